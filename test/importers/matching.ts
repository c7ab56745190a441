/**
 * Vitest's asymmetric matchers are typed `any`; these give them the type of the value they stand
 * for, so they fit in typed object literals without unsafe-any findings.
 */
import { expect } from 'vitest';

export const stringMatching = (pattern: RegExp): string => expect.stringMatching(pattern) as string;

export const anyString = (): string => expect.any(String) as string;
