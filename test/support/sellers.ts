/** A seller file that passes every check (Luhn-valid numbers, a matching VAT number, IBAN and BIC). */
export const VALID_SELLER = {
  name: 'Konferens Norden AB',
  countryCode: 'SE',
  addressLines: ['Drottninggatan 5'],
  postalCode: '111 51',
  city: 'Stockholm',
  registrationNumber: '556677-8899',
  vatNumber: 'SE556677889901',
  taxRegistrationNote: 'Godkänd för F-skatt',
  bankAccount: { bankgiro: '5050-1055', iban: 'SE45 5000 0000 0583 9825 7466', bic: 'ESSESESS' },
};
