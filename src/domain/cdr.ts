/**
 * A call-detail record: one leg (one participant) of one conference, as the bridge reports it.
 * (bridgeId, recordId) identifies a CDR forever.
 */
export const ACCESS_TYPES = ['local_dial_in', 'toll_free_dial_in', 'dial_out', 'web'] as const;
export type AccessType = (typeof ACCESS_TYPES)[number];

export const FEATURES = ['recording', 'operator_assistance', 'transcription', 'streaming'] as const;
export type Feature = (typeof FEATURES)[number];

/** What identifies a CDR for good: the bridge that sent it and the bridge's record id. */
export type CdrKey = Pick<Cdr, 'bridgeId' | 'recordId'>;

/** One string per CDR key, for maps (a NUL cannot be part of a valid id). */
export function cdrKeyId(key: CdrKey): string {
  return `${key.bridgeId}\0${key.recordId}`;
}

export interface Cdr {
  bridgeId: string;
  recordId: string;
  conferenceId: string;
  /** The booking this conference was reserved under, when there was one. */
  bookingId?: string;
  /** The customer's external account id (the sales system's id). */
  customerAccount: string;
  accessType: AccessType;
  /** E.164 where known (+46812345678). For dial-in, the participant's number. */
  callerNumber?: string;
  /** E.164 where known. For dial-out, the destination that prices the call; for dial-in, the access number dialled. */
  calledNumber?: string;
  /** When the leg started (set up). */
  startTime: Date;
  /** When the leg was answered; absent for legs never answered. */
  answerTime?: Date;
  /** When the leg ended. */
  endTime: Date;
  /** Billable seconds (answer to end), a whole number. */
  durationSeconds: number;
  /** Features used on this leg, each at most once. */
  features: Feature[];
}
