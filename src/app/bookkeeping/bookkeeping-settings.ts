/**
 * The settings the bookkeeping export reads: the accounts and voucher series (BILLING_BOOKKEEPING_FILE,
 * src/config/bookkeeping-config.ts), and who keeps the books (the seller of the invoices).
 */
import type { BookkeepingAccounts } from '../../domain/bookkeeping/accounts';

export interface BookkeepingSettings {
  accounts: BookkeepingAccounts;
  /** The voucher series the vouchers are imported into, e.g. "F". */
  voucherSeries: string;
  /** The company whose books these are (#FNAMN, #ORGNR). */
  company: { name: string; registrationNumber?: string };
  /**
   * IANA zone of the seller, the zone of the issue dates: when a month has ended (the first day it may
   * be exported) and the date the file is generated on (#GEN).
   */
  timeZone: string;
  /** This program, as the file names it (#PROGRAM). */
  program: { name: string; version: string };
}
