/**
 * How the wire scan gathers violations: it stops once MAX_VIOLATIONS_REPORTED are collected (or a
 * list passes its limit) by throwing TooManyViolations, which checkWire catches.
 */
import type { FieldViolation } from '../../../domain/errors';
import { MAX_VIOLATIONS_REPORTED } from './limits';

export class TooManyViolations extends Error {}

export function report(violations: FieldViolation[], field: string, reason: string): void {
  violations.push({ field, reason });
  if (violations.length >= MAX_VIOLATIONS_REPORTED) throw new TooManyViolations();
}
