/** The JSON Schema of an example case (rules/cases/*.json), which `rules test` prices. */
import { DRAFT, decimal } from './schema-parts';
import { ACCESS_TYPES, FEATURES } from '../domain/cdr';

export const caseSchema = {
  $schema: DRAFT,
  $id: 'case.schema.json',
  title: 'An example call and the price it must get (cases/*.json), run by `billing rules test`',
  type: 'object',
  additionalProperties: false,
  required: ['description', 'cdr', 'expect'],
  properties: {
    $schema: { type: 'string' },
    description: { type: 'string' },
    cdr: {
      type: 'object',
      additionalProperties: false,
      required: ['accessType', 'startTime', 'durationSeconds'],
      properties: {
        accessType: { enum: [...ACCESS_TYPES] },
        customerAccount: { type: 'string' },
        calledNumber: { type: 'string' },
        callerNumber: { type: 'string' },
        startTime: { type: 'string', description: 'ISO 8601 with offset' },
        answerTime: { type: 'string' },
        endTime: { type: 'string' },
        durationSeconds: { type: 'integer', minimum: 0 },
        features: { type: 'array', items: { enum: [...FEATURES] }, uniqueItems: true },
        conferenceId: { type: 'string' },
        bookingId: { type: 'string' },
      },
    },
    context: {
      type: 'object',
      additionalProperties: false,
      properties: {
        customerAccount: { type: 'string' },
        currency: {
          type: 'string',
          pattern: '^[A-Z]{3}$',
          description: "the customer's currency: its price list prices the call (default: list prices)",
        },
        timeZone: { type: 'string' },
        contract: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: {
            id: { type: 'string' },
            discountPercent: decimal,
            pricePlan: { type: 'string' },
            specialPrices: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['accessType', 'ratePerMinute'],
                properties: {
                  accessType: { enum: [...ACCESS_TYPES] },
                  zone: { type: 'string' },
                  ratePerMinute: decimal,
                },
              },
            },
          },
        },
      },
    },
    expect: {
      type: 'object',
      additionalProperties: false,
      properties: {
        amount: decimal,
        currency: { type: 'string' },
        ruleSetVersion: { type: 'string' },
        firedRules: { type: 'array', items: { type: 'string' } },
        rated: { type: 'boolean' },
        reasonContains: { type: 'string' },
      },
    },
  },
} as const;
