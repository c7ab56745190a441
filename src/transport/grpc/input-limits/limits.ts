/**
 * Every input the API accepts has a declared limit, here and nowhere else. The request guard
 * (wire-guard.ts) checks each incoming message against this table on the wire, before the message
 * is decoded into objects, and answers INVALID_ARGUMENT naming the field and the reason.
 *
 * The table lists every string, bytes, integer and repeated field reachable from a request message;
 * a test fails when a field of the contract has no entry, or an entry names no field. Messages need
 * no entry (they are walked), enums must hold a value the contract defines, and every
 * google.protobuf.Timestamp must be a valid Timestamp inside TIMESTAMP_RANGE.
 *
 * Domain rules (an E.164 number, a currency code, a period) are checked later by the domain, with
 * their own precise reasons. CDR contents in particular are validated per record by
 * src/domain/cdr-validation.ts, so one bad record is REJECTED while its neighbours are stored: the
 * caps on `Cdr` fields here only bound memory and are far above what the domain accepts.
 */

/** Which characters a string may hold. */
export type CharRule =
  /** No control characters at all: C0, DEL, C1, U+2028/U+2029 (ids, names, codes). */
  | 'single-line'
  /** Like single-line, but tab, line feed and carriage return are allowed (free-text reasons). */
  | 'multi-line'
  /** Page tokens: base64url as this service issues them. */
  | 'base64url'
  /** Decimal digits only (a cursor): the value must also fit a signed 64-bit integer. */
  | 'int64-digits'
  /** Anything valid UTF-8: used only where the domain checks the content itself (CDR records). */
  | 'checked-by-domain';

export type FieldRule =
  | { kind: 'string'; maxLength: number; chars: CharRule }
  | { kind: 'bytes'; maxBytes: number }
  | { kind: 'integer'; min: bigint; max: bigint }
  /** A repeated field: how many entries, and (for scalars) the rule for each entry. */
  | { kind: 'list'; maxItems: number; item?: FieldRule };

const text = (maxLength: number): FieldRule => ({ kind: 'string', maxLength, chars: 'single-line' });
const freeText = (maxLength: number): FieldRule => ({ kind: 'string', maxLength, chars: 'multi-line' });
const int = (min: number | bigint, max: number | bigint): FieldRule => ({
  kind: 'integer',
  min: BigInt(min),
  max: BigInt(max),
});
const list = (maxItems: number, item?: FieldRule): FieldRule => ({ kind: 'list', maxItems, item });

/** Ids of every kind: request ids, external ids, accounts, bridge ids, invoice ids and numbers. */
const ID = text(128);
const REQUEST_ID = text(128);
const PAGE_TOKEN: FieldRule = { kind: 'string', maxLength: 1024, chars: 'base64url' };
const PAGE_SIZE = int(0, 2 ** 31 - 1);
const VERSION = int(0, 2 ** 32 - 1);
const REASON = freeText(1000);
const PHONE_NUMBER = text(32);
const DECIMAL = text(40);
const ZONE_OR_CODE = text(64);
/** A CDR field's memory bound; the record's own rules (128-character ids, E.164) are the domain's. */
const CDR_TEXT: FieldRule = { kind: 'string', maxLength: 1024, chars: 'checked-by-domain' };
const FEATURES = list(32);

/** The largest CDR batch: the same bound as the proto's "at most 1000 CDRs". */
export const MAX_CDRS_PER_BATCH = 1000;

/**
 * A stream reads its next batch (to price it while the batches before it commit, and commit it
 * with the others read meanwhile) only while it holds fewer than this many CDRs, committing or
 * queued, or exactly this many all committing: so it never holds more than two full batches.
 */
export const STREAM_READ_AHEAD_CDRS = MAX_CDRS_PER_BATCH;

/** Instants a request may carry: [1970-01-01, 2200-01-01). Beyond that no call, contract or invoice exists. */
export const TIMESTAMP_RANGE = {
  from: new Date('1970-01-01T00:00:00Z'),
  to: new Date('2200-01-01T00:00:00Z'),
};

/** The longest period one BacktestRuleSet request may cover (end_time - start_time). */
export const MAX_BACKTEST_SPAN_DAYS = 400;

/** How many violations one answer lists at most; the scan stops there, so a hostile message costs little. */
export const MAX_VIOLATIONS_REPORTED = 20;

export const INPUT_LIMITS: Readonly<Record<string, FieldRule>> = {
  // --- common
  'billing.v1.Money.currency_code': text(8),
  'billing.v1.Money.amount': DECIMAL,
  'billing.v1.PostalAddress.lines': list(5, text(200)),
  'billing.v1.PostalAddress.postal_code': text(16),
  'billing.v1.PostalAddress.city': text(100),
  'billing.v1.PostalAddress.country_code': text(8),

  // --- bookings
  'billing.v1.CreateBookingRequest.request_id': REQUEST_ID,
  'billing.v1.UpdateBookingRequest.request_id': REQUEST_ID,
  'billing.v1.UpdateBookingRequest.expected_version': VERSION,
  'billing.v1.CancelBookingRequest.request_id': REQUEST_ID,
  'billing.v1.CancelBookingRequest.booking_id': ID,
  'billing.v1.CancelBookingRequest.reason': REASON,
  'billing.v1.CancelBookingRequest.expected_version': VERSION,
  'billing.v1.GetBookingRequest.booking_id': ID,
  'billing.v1.Booking.id': ID,
  'billing.v1.Booking.external_reference': ID,
  'billing.v1.Booking.customer_account': ID,
  'billing.v1.Booking.bridge_id': ID,
  'billing.v1.Booking.title': text(200),
  'billing.v1.Booking.expected_duration_seconds': int(0, 7 * 24 * 3600),
  'billing.v1.Booking.time_zone': ZONE_OR_CODE,
  'billing.v1.Booking.expected_participants': int(0, 100_000),
  'billing.v1.Booking.dial_out_numbers': list(100, PHONE_NUMBER),
  'billing.v1.Booking.features': FEATURES,
  'billing.v1.Booking.host_code': text(32),
  'billing.v1.Booking.participant_code': text(32),
  'billing.v1.Booking.cancel_reason': REASON,
  'billing.v1.Booking.version': VERSION,
  'billing.v1.ListUpcomingBookingsRequest.bridge_id': ID,
  'billing.v1.ListUpcomingBookingsRequest.customer_account': ID,
  'billing.v1.ListUpcomingBookingsRequest.page_size': PAGE_SIZE,
  'billing.v1.ListUpcomingBookingsRequest.page_token': PAGE_TOKEN,
  'billing.v1.WatchBookingsRequest.bridge_id': ID,
  'billing.v1.WatchBookingsRequest.after_cursor': { kind: 'string', maxLength: 19, chars: 'int64-digits' },
  'billing.v1.GetReconciliationReportRequest.customer_account': ID,
  'billing.v1.GetReconciliationReportRequest.overrun_threshold_seconds': int(0, 24 * 3600),

  // --- CDR ingest
  'billing.v1.CdrBatch.sequence': int(0, 2n ** 63n - 1n),
  'billing.v1.CdrBatch.cdrs': list(MAX_CDRS_PER_BATCH),
  'billing.v1.SubmitCdrsRequest.request_id': REQUEST_ID,
  'billing.v1.SubmitCdrsRequest.cdrs': list(MAX_CDRS_PER_BATCH),
  'billing.v1.Cdr.bridge_id': CDR_TEXT,
  'billing.v1.Cdr.record_id': CDR_TEXT,
  'billing.v1.Cdr.conference_id': CDR_TEXT,
  'billing.v1.Cdr.booking_id': CDR_TEXT,
  'billing.v1.Cdr.customer_account': CDR_TEXT,
  'billing.v1.Cdr.caller_number': CDR_TEXT,
  'billing.v1.Cdr.called_number': CDR_TEXT,
  'billing.v1.Cdr.duration_seconds': int(0, 2 ** 32 - 1),
  'billing.v1.Cdr.features': FEATURES,
  'billing.v1.ListUnratedCdrsRequest.page_size': PAGE_SIZE,
  'billing.v1.ListUnratedCdrsRequest.page_token': PAGE_TOKEN,
  'billing.v1.ListUnratedCdrsRequest.customer_account': ID,
  'billing.v1.ListUnratedCdrsRequest.bridge_id': ID,
  'billing.v1.RetryUnratedCdrsRequest.request_id': REQUEST_ID,
  'billing.v1.RetryUnratedCdrsRequest.customer_account': ID,
  'billing.v1.RetryUnratedCdrsRequest.bridge_id': ID,
  'billing.v1.RetryUnratedCdrsRequest.cdr_keys': list(MAX_CDRS_PER_BATCH),
  'billing.v1.CdrKey.bridge_id': ID,
  'billing.v1.CdrKey.record_id': ID,

  // --- customers and contracts
  'billing.v1.UpsertCustomerRequest.request_id': REQUEST_ID,
  'billing.v1.UpsertCustomerRequest.expected_version': VERSION,
  'billing.v1.Customer.external_id': ID,
  'billing.v1.Customer.name': text(200),
  'billing.v1.Customer.email': text(254),
  'billing.v1.Customer.vat_number': text(32),
  'billing.v1.Customer.country_code': text(8),
  'billing.v1.Customer.currency_code': text(8),
  'billing.v1.Customer.time_zone': ZONE_OR_CODE,
  'billing.v1.Customer.payment_terms_days': int(0, 365),
  'billing.v1.Customer.registration_number': text(32),
  'billing.v1.Customer.version': VERSION,
  'billing.v1.Customer.buyer_reference': text(100),
  'billing.v1.Customer.order_reference': text(100),
  'billing.v1.ElectronicAddress.scheme': text(8),
  'billing.v1.ElectronicAddress.id': text(50),
  'billing.v1.GetCustomerRequest.external_id': ID,
  'billing.v1.ListCustomersRequest.page_size': PAGE_SIZE,
  'billing.v1.ListCustomersRequest.page_token': PAGE_TOKEN,
  'billing.v1.ListCustomersRequest.query': text(200),
  'billing.v1.UpsertContractRequest.request_id': REQUEST_ID,
  'billing.v1.UpsertContractRequest.expected_version': VERSION,
  'billing.v1.Contract.external_id': ID,
  'billing.v1.Contract.customer_external_id': ID,
  'billing.v1.Contract.price_plan': ZONE_OR_CODE,
  'billing.v1.Contract.discount_percent': DECIMAL,
  'billing.v1.Contract.special_prices': list(500),
  'billing.v1.Contract.included_minutes': DECIMAL,
  'billing.v1.Contract.anchor_day': int(0, 28),
  'billing.v1.Contract.version': VERSION,
  'billing.v1.SpecialPrice.zone': ZONE_OR_CODE,
  'billing.v1.ListContractsRequest.customer_external_id': ID,
  'billing.v1.ListContractsRequest.page_size': PAGE_SIZE,
  'billing.v1.ListContractsRequest.page_token': PAGE_TOKEN,

  // --- invoices
  'billing.v1.GetInvoiceRequest.invoice_id': ID,
  'billing.v1.GetInvoiceRequest.invoice_number': ID,
  'billing.v1.ListInvoicesRequest.page_size': PAGE_SIZE,
  'billing.v1.ListInvoicesRequest.page_token': PAGE_TOKEN,
  'billing.v1.ListInvoicesRequest.customer_account': ID,
  'billing.v1.GetRunningChargesRequest.customer_account': ID,
  'billing.v1.CloseBillingPeriodRequest.request_id': REQUEST_ID,
  'billing.v1.CloseBillingPeriodRequest.customer_account': ID,
  'billing.v1.IssueInvoiceRequest.request_id': REQUEST_ID,
  'billing.v1.IssueInvoiceRequest.invoice_id': ID,
  'billing.v1.IssueInvoiceRequest.issue_date': text(10),
  'billing.v1.CreateCreditNoteRequest.request_id': REQUEST_ID,
  'billing.v1.CreateCreditNoteRequest.invoice_id': ID,
  'billing.v1.CreateCreditNoteRequest.invoice_number': ID,
  'billing.v1.CreateCreditNoteRequest.reason': REASON,
  'billing.v1.CreateCreditNoteRequest.lines': list(10_000),
  'billing.v1.CreditLine.line_number': int(0, 1_000_000),
  'billing.v1.CreditLine.quantity': DECIMAL,
  'billing.v1.RerateChargesRequest.request_id': REQUEST_ID,
  'billing.v1.RerateChargesRequest.customer_account': ID,
  'billing.v1.RerateChargesRequest.rule_set_hash': ID,
  'billing.v1.RerateChargesRequest.reason': REASON,
  'billing.v1.RenderInvoiceDocumentRequest.invoice_id': ID,
  // "YYYY-MM"; the use case checks the month itself.
  'billing.v1.ExportBookkeepingRequest.period': text(7),
  // "YYYY-MM"; the use case checks the month itself.
  'billing.v1.GetMailingListRequest.period': text(7),

  // --- rating
  'billing.v1.QuoteCallRequest.customer_account': ID,
  'billing.v1.QuoteCallRequest.called_number': PHONE_NUMBER,
  'billing.v1.QuoteCallRequest.duration_seconds': int(0, 48 * 3600),
  'billing.v1.QuoteCallRequest.features': FEATURES,
  'billing.v1.QuoteCallRequest.participants': int(0, 10_000),
  'billing.v1.QuoteCallRequest.rule_set_hash': ID,
  'billing.v1.ListRuleSetsRequest.page_size': PAGE_SIZE,
  'billing.v1.ListRuleSetsRequest.page_token': PAGE_TOKEN,
  'billing.v1.ValidateRuleSetRequest.files': list(64),
  'billing.v1.RuleFile.path': text(256),
  'billing.v1.RuleFile.content': { kind: 'bytes', maxBytes: 2 * 1024 * 1024 },
  // start_time/end_time: at most MAX_BACKTEST_SPAN_DAYS apart, checked by the use case.
  'billing.v1.BacktestRuleSetRequest.files': list(64),
  'billing.v1.BacktestRuleSetRequest.customer_account': ID,
};
