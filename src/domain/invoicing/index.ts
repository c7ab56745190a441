/** The pure invoicing domain: see docs/invoicing.md for the rules. */
export * from './types';
export * from './totals';
export * from './tiers';
export * from './period-pricing-rules';
export * from './usage-lines';
export * from './period-pricing';
export * from './draft';
export * from './assemble';
export * from './credit-note';
export * from './numbering';
