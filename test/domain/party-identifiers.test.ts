import { describe, expect, it } from 'vitest';
import { checkBankgiro } from '../../src/domain/parties/bankgiro';
import { checkBic } from '../../src/domain/parties/bic';
import { checkIban } from '../../src/domain/parties/iban';
import type { IdCheck } from '../../src/domain/parties/id-check';
import { luhnValid } from '../../src/domain/parties/luhn';
import { checkPeppolParticipant } from '../../src/domain/parties/peppol-participant';
import { checkPlusgiro } from '../../src/domain/parties/plusgiro';
import { checkSwedishOrgNumber } from '../../src/domain/parties/swedish-org-number';
import { checkSwedishVatNumber } from '../../src/domain/parties/swedish-vat-number';

const reason = (r: IdCheck) => (r.ok ? `valid ${r.value}` : r.reason);

describe('luhn', () => {
  it('accepts numbers whose last digit is the check digit', () => {
    expect(luhnValid('5560000001')).toBe(true);
    expect(luhnValid('5560000000')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('12a')).toBe(false);
  });
});

describe('Swedish organisation number', () => {
  it('accepts 10 digits with or without the hyphen after 6, canonically without', () => {
    expect(checkSwedishOrgNumber('556000-0001')).toEqual({ ok: true, value: '5560000001' });
    expect(checkSwedishOrgNumber('5566778899')).toEqual({ ok: true, value: '5566778899' });
    expect(checkSwedishOrgNumber('212000-0142')).toEqual({ ok: true, value: '2120000142' });
  });
  it('says what is wrong', () => {
    expect(reason(checkSwedishOrgNumber('556000-0000'))).toMatch(/Luhn/);
    expect(reason(checkSwedishOrgNumber('55600-00001'))).toMatch(/not 10 digits/);
    expect(reason(checkSwedishOrgNumber('556000-000'))).toMatch(/not 10 digits/);
    expect(reason(checkSwedishOrgNumber('SE5560000001'))).toMatch(/not 10 digits/);
  });
});

describe('Swedish VAT number', () => {
  it('is SE + the organisation number + 01', () => {
    expect(checkSwedishVatNumber('SE556000000101')).toEqual({ ok: true, value: 'SE556000000101' });
    expect(checkSwedishVatNumber('se 5560000001 01')).toEqual({ ok: true, value: 'SE556000000101' });
  });
  it('says what is wrong', () => {
    expect(reason(checkSwedishVatNumber('DE556000000101'))).toMatch(/does not start with "SE"/);
    expect(reason(checkSwedishVatNumber('SE5560000001'))).toMatch(/12 characters; .* 14/);
    expect(reason(checkSwedishVatNumber('SE55600000X101'))).toMatch(/must be digits/);
    expect(reason(checkSwedishVatNumber('SE556000000102'))).toMatch(/does not end with "01"/);
    expect(reason(checkSwedishVatNumber('SE556000000001'))).toMatch(/organisation number .*Luhn/);
  });
});

describe('bankgiro and plusgiro', () => {
  it('accepts bankgiro numbers of 7-8 digits with a Luhn check digit', () => {
    expect(checkBankgiro('123-4566')).toEqual({ ok: true, value: '1234566' });
    expect(checkBankgiro('5050-1055')).toEqual({ ok: true, value: '50501055' });
    expect(checkBankgiro('50501055')).toEqual({ ok: true, value: '50501055' });
  });
  it('refuses other bankgiro numbers with the reason', () => {
    expect(reason(checkBankgiro('123-4567'))).toMatch(/Luhn/);
    expect(reason(checkBankgiro('12-3456'))).toMatch(/7-8 digits/);
    expect(reason(checkBankgiro('123456789'))).toMatch(/7-8 digits/);
  });
  it('accepts plusgiro numbers of 2-8 digits with a Luhn check digit', () => {
    expect(checkPlusgiro('4711-8')).toEqual({ ok: true, value: '47118' });
    expect(checkPlusgiro('18')).toEqual({ ok: true, value: '18' });
    expect(reason(checkPlusgiro('4711-1'))).toMatch(/Luhn/);
    expect(reason(checkPlusgiro('1'))).toMatch(/2-8 digits/);
    expect(reason(checkPlusgiro('123456789'))).toMatch(/2-8 digits/);
  });
});

describe('IBAN', () => {
  it('accepts the printed and the compact form, canonically compact', () => {
    expect(checkIban('SE45 5000 0000 0583 9825 7466')).toEqual({
      ok: true,
      value: 'SE4550000000058398257466',
    });
    expect(checkIban('DE89370400440532013000').ok).toBe(true);
    expect(checkIban('gb82 west 1234 5698 7654 32').ok).toBe(true);
    expect(checkIban('NO9386011117947').ok).toBe(true);
  });
  it('checks the length per country and the mod-97 check digits', () => {
    expect(reason(checkIban('SE45 5000 0000 0583 9825 746'))).toMatch(/23 characters; an IBAN of SE has 24/);
    expect(reason(checkIban('SE46 5000 0000 0583 9825 7466'))).toMatch(/mod 97/);
    expect(reason(checkIban('XX12 3456 7890 12'))).toMatch(/15 to 34/);
    expect(reason(checkIban('5E45 5000'))).toMatch(/country code/);
    expect(reason(checkIban('SEXX 5000 0000 0583 9825 7466'))).toMatch(/check digits/);
    expect(reason(checkIban('SE45-5000-0000-0583-9825-7466'))).toMatch(/only letters, digits and spaces/);
  });
});

describe('BIC', () => {
  it('has 8 or 11 characters: institution, country, location, branch', () => {
    expect(checkBic('ESSESESS')).toEqual({ ok: true, value: 'ESSESESS' });
    expect(checkBic('handsess')).toEqual({ ok: true, value: 'HANDSESS' });
    expect(checkBic('DEUTDEFF500').ok).toBe(true);
    expect(reason(checkBic('ESSESES'))).toMatch(/7 characters; a BIC has 8 or 11/);
    expect(reason(checkBic('ESSE5ESS'))).toMatch(/country code/);
    expect(reason(checkBic('ES-ESESS'))).toMatch(/institution/);
    expect(reason(checkBic('ESSESE-S'))).toMatch(/location/);
    expect(reason(checkBic('DEUTDEFF5-0'))).toMatch(/branch/);
  });
});

describe('Peppol participant id', () => {
  it('takes a scheme from the code list and checks Swedish organisation numbers under 0007', () => {
    expect(checkPeppolParticipant({ scheme: '0007', id: '5560000001' })).toEqual({
      ok: true,
      value: '0007:5560000001',
    });
    expect(checkPeppolParticipant({ scheme: '0088', id: '7300010000001' }).ok).toBe(true);
    expect(checkPeppolParticipant({ scheme: '9955', id: 'SE556000000101' }).ok).toBe(false);
    expect(reason(checkPeppolParticipant({ scheme: '0007', id: '556000-0001' }))).toMatch(
      /10 digits, no hyphen/,
    );
    expect(reason(checkPeppolParticipant({ scheme: '0007', id: '5560000000' }))).toMatch(/Luhn/);
    expect(reason(checkPeppolParticipant({ scheme: '7', id: '5560000001' }))).toMatch(/4-digit/);
    expect(reason(checkPeppolParticipant({ scheme: '1234', id: 'x' }))).toMatch(/code list/);
    expect(reason(checkPeppolParticipant({ scheme: '0088', id: ' ' }))).toMatch(/empty/);
    expect(reason(checkPeppolParticipant({ scheme: '0088', id: 'a b' }))).toMatch(/spaces/);
  });
});
