import { describe, expect, it } from 'vitest';
import { checkEuVatNumber, isEuMemberState } from '../../src/domain/parties/eu-vat-number';

describe('EU VAT numbers for reverse charge', () => {
  it('accepts numbers in their state format, canonically spelled', () => {
    expect(checkEuVatNumber('DE 123 456 789', 'DE')).toEqual({ ok: true, value: 'DE123456789' });
    expect(checkEuVatNumber('fr12345678901', 'FR')).toEqual({ ok: true, value: 'FR12345678901' });
    expect(checkEuVatNumber('NL123456789B01', 'NL')).toEqual({ ok: true, value: 'NL123456789B01' });
    // Greece uses EL, not its ISO code.
    expect(checkEuVatNumber('EL123456789', 'GR')).toEqual({ ok: true, value: 'EL123456789' });
  });

  it('refuses a prefix of another state, a wrong format and a Swedish number with a bad check digit', () => {
    expect(checkEuVatNumber('FR12345678901', 'DE')).toMatchObject({ ok: false, reason: /prefix of DE/ });
    expect(checkEuVatNumber('DE12345678', 'DE')).toMatchObject({ ok: false, reason: /format of a DE/ });
    expect(checkEuVatNumber('SE556677889801', 'SE')).toMatchObject({ ok: false });
    expect(checkEuVatNumber('US123', 'US')).toMatchObject({ ok: false, reason: /not an EU member state/ });
  });

  it('knows the member states', () => {
    expect(['SE', 'DE', 'GR', 'FI'].every(isEuMemberState)).toBe(true);
    expect(['NO', 'GB', 'US', 'CH'].some(isEuMemberState)).toBe(false);
  });
});
