/** Proto CDR messages <-> the domain's CdrDraft and results. Enum names map one to one. */
import type { CdrDraft } from '../../../domain/cdr-validation';
import type {
  CdrResult as DomainCdrResult,
  CdrOutcome as DomainOutcome,
} from '../../../app/ingest/ingest-cdrs';
import {
  CdrOutcome,
  RatingStatus,
  type Cdr as ProtoCdr,
  type CdrOutcomeCounts,
  type CdrResult,
} from '../../../gen/billing/v1/cdr';
import { AccessType, Feature } from '../../../gen/billing/v1/common';
import type { Cdr } from '../../../domain/cdr';

const ACCESS_TYPE: Partial<Record<AccessType, string>> = {
  [AccessType.ACCESS_TYPE_LOCAL_DIAL_IN]: 'local_dial_in',
  [AccessType.ACCESS_TYPE_TOLL_FREE_DIAL_IN]: 'toll_free_dial_in',
  [AccessType.ACCESS_TYPE_DIAL_OUT]: 'dial_out',
  [AccessType.ACCESS_TYPE_WEB]: 'web',
};

const FEATURE: Partial<Record<Feature, string>> = {
  [Feature.FEATURE_RECORDING]: 'recording',
  [Feature.FEATURE_OPERATOR_ASSISTANCE]: 'operator_assistance',
  [Feature.FEATURE_TRANSCRIPTION]: 'transcription',
  [Feature.FEATURE_STREAMING]: 'streaming',
};

const OUTCOME: Record<DomainOutcome, CdrOutcome> = {
  accepted: CdrOutcome.CDR_OUTCOME_ACCEPTED,
  duplicate: CdrOutcome.CDR_OUTCOME_DUPLICATE,
  conflict: CdrOutcome.CDR_OUTCOME_CONFLICT,
  rejected: CdrOutcome.CDR_OUTCOME_REJECTED,
};

/** Unset or unknown enum values become "unknown (N)" so validation names the field and the reason. */
export function accessTypeFromProto(value: AccessType): string {
  return ACCESS_TYPE[value] ?? `unknown (${value})`;
}

export function featureFromProto(value: Feature): string {
  return FEATURE[value] ?? `unknown (${value})`;
}

export function accessTypeToProto(value: string): AccessType {
  return Number(Object.entries(ACCESS_TYPE).find(([, v]) => v === value)?.[0] ?? 0);
}

export function featureToProto(value: string): Feature {
  return Number(Object.entries(FEATURE).find(([, v]) => v === value)?.[0] ?? 0);
}

export function cdrDraftFromProto(cdr: ProtoCdr): CdrDraft {
  return {
    bridgeId: cdr.bridgeId,
    recordId: cdr.recordId,
    conferenceId: cdr.conferenceId,
    bookingId: cdr.bookingId || undefined,
    customerAccount: cdr.customerAccount,
    accessType: accessTypeFromProto(cdr.accessType),
    callerNumber: cdr.callerNumber || undefined,
    calledNumber: cdr.calledNumber || undefined,
    startTime: cdr.startTime,
    answerTime: cdr.answerTime,
    endTime: cdr.endTime,
    durationSeconds: cdr.durationSeconds,
    features: cdr.features.map(featureFromProto),
  };
}

export function cdrToProto(cdr: Cdr): ProtoCdr {
  return {
    bridgeId: cdr.bridgeId,
    recordId: cdr.recordId,
    conferenceId: cdr.conferenceId,
    bookingId: cdr.bookingId ?? '',
    customerAccount: cdr.customerAccount,
    accessType: accessTypeToProto(cdr.accessType),
    callerNumber: cdr.callerNumber ?? '',
    calledNumber: cdr.calledNumber ?? '',
    startTime: cdr.startTime,
    answerTime: cdr.answerTime,
    endTime: cdr.endTime,
    durationSeconds: cdr.durationSeconds,
    features: cdr.features.map(featureToProto),
  };
}

export function cdrResultToProto(result: DomainCdrResult): CdrResult {
  const rating = result.rating;
  return {
    bridgeId: result.bridgeId,
    recordId: result.recordId,
    outcome: OUTCOME[result.outcome],
    violations: result.violations,
    ratingStatus: !rating
      ? RatingStatus.RATING_STATUS_UNSPECIFIED
      : rating.rated
        ? RatingStatus.RATING_STATUS_RATED
        : RatingStatus.RATING_STATUS_UNRATED,
    unratedReason: rating && !rating.rated ? rating.reason : '',
    charge: rating?.rated
      ? { currencyCode: rating.charge.currency, amount: rating.charge.amount }
      : undefined,
    ruleSetHash: rating?.rated ? rating.charge.ruleSetHash : '',
  };
}

export function countOutcomes(results: DomainCdrResult[]): CdrOutcomeCounts {
  const counts: CdrOutcomeCounts = {
    accepted: 0,
    duplicate: 0,
    conflict: 0,
    rejected: 0,
    rated: 0,
    unrated: 0,
  };
  for (const r of results) {
    counts[r.outcome] += 1;
    if (r.rating) counts[r.rating.rated ? 'rated' : 'unrated'] += 1;
  }
  return counts;
}
