/**
 * Quoting a hypothetical call: the same validation and the same pricing path as a real CDR, so a
 * quote and the later charge agree to the cent, and a call ingest would store unrated (a currency
 * mismatch, say) is refused with the reason ingest would store. Nothing is stored.
 */
import { validateCdr } from '../../domain/cdr-validation';
import { NotFoundError, ValidationError, FailedPreconditionError } from '../../domain/errors';
import { Decimal, formatAmount } from '../../domain/money';
import { noPriceListReason, type Explanation } from '../../domain/rating/index';
import type { Clock } from '../clock';
import type { CustomerDirectory } from '../ingest/ports';
import { quoteForMessage } from '../../domain/quote-value';
import { decisionOf, pricingContext, type RatingRuntime } from './rating-runtime';

export interface QuoteInput {
  customerAccount?: string;
  accessType: string;
  calledNumber?: string;
  startTime?: Date;
  durationSeconds: number;
  features: string[];
  participants: number;
  ruleSetHash?: string;
}

export interface Quote {
  currency: string;
  perParticipant: string;
  total: string;
  participants: number;
  ruleSet: { name: string; version: string; hash: string };
  firedRules: string[];
  explanation: Explanation;
  contractId?: string;
  discountPercent?: string;
}

export interface QuoteDeps {
  rating: RatingRuntime;
  customers?: CustomerDirectory;
  /** "Now": the start of a call quoted without one. */
  clock: Clock;
}

export async function quoteCall(deps: QuoteDeps, input: QuoteInput): Promise<Quote> {
  if (input.participants < 0 || input.participants > 10_000) {
    throw new ValidationError([{ field: 'participants', reason: 'must be between 1 and 10000 (0 means 1)' }]);
  }
  const participants = input.participants || 1;
  const start = input.startTime ?? deps.clock.now();
  const checked = validateCdr(
    {
      bridgeId: 'quote',
      recordId: 'quote',
      conferenceId: 'quote',
      customerAccount: input.customerAccount || 'quote',
      accessType: input.accessType,
      calledNumber: input.calledNumber,
      startTime: start,
      answerTime: start,
      endTime: new Date(start.getTime() + input.durationSeconds * 1000),
      durationSeconds: input.durationSeconds,
      features: input.features,
    },
    // Quotes may be for calls next year: only the shape of the call is checked, not its date.
    start,
  );
  if (!checked.ok)
    throw new ValidationError(
      checked.violations.filter((v) => !['record_id', 'bridge_id', 'conference_id'].includes(v.field)),
    );

  const current = deps.rating.current;
  if (!current) throw new FailedPreconditionError('no valid rule set is loaded');
  const cdr = checked.cdr;
  let customer;
  if (input.customerAccount && deps.customers) {
    customer = (await deps.customers.pricingFacts([input.customerAccount])).get(input.customerAccount);
    if (!customer)
      throw new NotFoundError(`customer ${quoteForMessage(input.customerAccount)} does not exist`);
  }
  const context = pricingContext(cdr, customer);
  // The price list of the customer's currency (list prices without a customer), as ingest picks it.
  const currency = context.currency ?? current.book.listPriceCurrency;
  const set = input.ruleSetHash
    ? current.book.sets.find((s) => s.hash === input.ruleSetHash)
    : current.book.ruleSetAt(cdr.startTime, currency);
  if (!set) {
    // The words ingest stores with an unrated CDR, so a refused quote and the later CDR agree.
    throw input.ruleSetHash
      ? new NotFoundError(`rule set ${quoteForMessage(input.ruleSetHash)} is not loaded`)
      : new FailedPreconditionError(
          `the call cannot be priced: ${noPriceListReason(currency, cdr.startTime)}`,
        );
  }
  // The guard ingest applies (decisionOf): never a price in another currency than the customer's.
  const decision = decisionOf(set.rate(cdr, context), customer);
  if (!decision.rated) throw new FailedPreconditionError(`the call cannot be priced: ${decision.reason}`);
  const charge = decision.charge;
  return {
    currency: charge.currency,
    perParticipant: charge.amount,
    total: formatAmount(new Decimal(charge.amount).times(participants)),
    participants,
    ruleSet: { name: set.name, version: set.version, hash: set.hash },
    firedRules: charge.firedRules,
    // The rating outcome's explanation, passed through decisionOf unchanged.
    explanation: charge.explanation,
    contractId: context.contract?.id,
    discountPercent: context.contract?.discountPercent,
  };
}
