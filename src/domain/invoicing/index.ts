/** The pure invoicing domain: see docs/invoicing.md for the rules. */
export * from './types.js';
export * from './totals.js';
export * from './tiers.js';
export * from './period-pricing-rules.js';
export * from './usage-lines.js';
export * from './period-pricing.js';
export * from './draft.js';
export * from './assemble.js';
export * from './credit-note.js';
export * from './numbering.js';
