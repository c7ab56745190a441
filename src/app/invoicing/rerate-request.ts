/** What a rerate request must hold before anything is read: a bounded span and a valid rule set hash. */
import { ValidationError } from '../../domain/errors';
import type { RequestKey } from '../mutations';

export interface RerateRequest {
  key: RequestKey;
  customerAccount: string;
  from?: Date | undefined;
  to?: Date | undefined;
  ruleSetHash?: string | undefined;
  reason?: string | undefined;
}

/** A rerate runs in one transaction; longer spans are split by the caller. */
const MAX_SPAN_DAYS = 400;
const HASH = /^[0-9a-f]{64}$/;

/** The request's span, once the request is known to be well formed. */
export function checkRerateRequest(request: RerateRequest): { from: Date; to: Date } {
  if (!request.customerAccount)
    throw new ValidationError([{ field: 'customer_account', reason: 'required' }]);
  const { from, to } = request;
  if (!from)
    throw new ValidationError([
      {
        field: 'period.start_time',
        reason: 'required: re-rate CDRs whose start lies in [start_time, end_time)',
      },
    ]);
  if (!to)
    throw new ValidationError([
      {
        field: 'period.end_time',
        reason: 'required: re-rate CDRs whose start lies in [start_time, end_time)',
      },
    ]);
  if (!(from < to))
    throw new ValidationError([{ field: 'period', reason: 'start_time must be before end_time' }]);
  if (to.getTime() - from.getTime() > MAX_SPAN_DAYS * 86_400_000) {
    throw new ValidationError([
      {
        field: 'period',
        reason: `at most ${MAX_SPAN_DAYS} days per rerate (one transaction); split longer spans`,
      },
    ]);
  }
  if (request.ruleSetHash && !HASH.test(request.ruleSetHash)) {
    throw new ValidationError([
      {
        field: 'rule_set_hash',
        reason: 'a rule set content hash: 64 lowercase hex digits, or empty for the live rules',
      },
    ]);
  }
  return { from, to };
}
