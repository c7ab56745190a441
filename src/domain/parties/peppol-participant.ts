/**
 * A Peppol participant identifier (an electronic address, EN 16931 BT-34/BT-49): an ICD scheme from
 * Peppol's "Electronic Address Identifier Scheme" code list (rule PEPPOL-EN16931-CL008, fatal; the
 * list below is the one in PEPPOL-EN16931-UBL.xslt 2026.5) and an id. For 0007 (Swedish
 * organisation number) the id must be 10 digits with a valid Luhn digit (PEPPOL-COMMON-R049).
 */
import type { ElectronicAddress } from '../invoicing/types';
import { invalid, valid, type IdCheck } from './id-check';
import { checkSwedishOrgNumber } from './swedish-org-number';

export const PEPPOL_EAS_CODES: ReadonlySet<string> = new Set(
  (
    '0002 0007 0009 0060 0088 0096 0097 0106 0130 0135 0142 0151 0183 0184 0188 0190 0191 0192 0195 ' +
    '0196 0198 0199 0200 0201 0204 0208 0209 0210 0211 0216 0218 0221 0225 0230 0235 0240 0242 0244 ' +
    '0245 0246 0248 9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 9929 9930 ' +
    '9931 9932 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945 9946 9947 9948 9949 ' +
    '9950 9951 9952 9953 9957 9959'
  ).split(' '),
);

/** The scheme of a Swedish organisation number. */
export const SWEDISH_ORG_SCHEME = '0007';

/** Checks an address; `value` of the result is "scheme:id". */
export function checkPeppolParticipant(address: ElectronicAddress): IdCheck {
  const { scheme, id } = address;
  if (!/^\d{4}$/.test(scheme)) return invalid(`scheme ${JSON.stringify(scheme)} is not a 4-digit ICD code`);
  if (!PEPPOL_EAS_CODES.has(scheme))
    return invalid(`scheme ${scheme} is not in Peppol's Electronic Address Identifier Scheme code list`);
  if (!id.trim()) return invalid('id is empty');
  if (id !== id.trim() || /[\s:]/.test(id)) return invalid(`id ${JSON.stringify(id)} contains spaces or ":"`);
  if (id.length > 135) return invalid(`id has ${id.length} characters; at most 135`);
  if (scheme === SWEDISH_ORG_SCHEME) {
    if (!/^\d{10}$/.test(id))
      return invalid(
        `id ${JSON.stringify(id)}: scheme 0007 takes a Swedish organisation number as 10 digits, no hyphen`,
      );
    const org = checkSwedishOrgNumber(id);
    if (!org.ok) return invalid(`id ${org.reason}`);
  }
  return valid(`${scheme}:${id}`);
}
