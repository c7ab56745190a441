/** The JSON Schemas of destinations.json, rates.json and calendar.json. */
import { DRAFT, decimal, displayName, weekday } from './schema-parts';

export const destinationsSchema = {
  $schema: DRAFT,
  $id: 'destinations.schema.json',
  title: 'Destination prefixes to zones (destinations.json); longest prefix wins',
  type: 'object',
  additionalProperties: false,
  required: ['prefixes'],
  properties: {
    $schema: { type: 'string' },
    prefixes: {
      type: 'object',
      propertyNames: { pattern: '^\\+\\d{1,15}$' },
      additionalProperties: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
    },
    zones: {
      type: 'object',
      description:
        'about the zones of "prefixes": a display name for invoices, e.g. "US_CA": { "displayName": "USA and Canada" }',
      propertyNames: { pattern: '^[A-Za-z0-9_-]+$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { displayName },
      },
    },
  },
} as const;

const slots = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['fromSecond', 'rate'],
    properties: { fromSecond: { type: 'integer', minimum: 0 }, rate: decimal },
  },
};
export const ratesSchema = {
  $schema: DRAFT,
  $id: 'rates.schema.json',
  title: 'Rate cards (rates.json)',
  type: 'object',
  additionalProperties: false,
  required: ['rateCards'],
  properties: {
    $schema: { type: 'string' },
    rateCards: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z0-9_.-]+$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['rateUnit', 'firstIncrement', 'nextIncrement', 'rates'],
        properties: {
          description: { type: 'string' },
          rateUnit: {
            type: 'integer',
            minimum: 1,
            description: 'seconds the rate is quoted for; 60 = per minute',
          },
          firstIncrement: { type: 'integer', minimum: 1 },
          nextIncrement: { type: 'integer', minimum: 1 },
          connectFee: decimal,
          minimumCharge: decimal,
          maximumCharge: decimal,
          rates: {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: { peak: slots, offpeak: slots, weekend: slots, holiday: slots, any: slots },
          },
        },
      },
    },
  },
} as const;

const hhmm = { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$' };
export const calendarSchema = {
  $schema: DRAFT,
  $id: 'calendar.schema.json',
  title: 'Peak hours, weekends and holidays (calendar.json), in the customer time zone',
  type: 'object',
  additionalProperties: false,
  required: ['weekendDays', 'peak', 'holidays'],
  properties: {
    $schema: { type: 'string' },
    weekendDays: { type: 'array', items: weekday, uniqueItems: true },
    peak: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['days', 'from', 'to'],
        properties: { days: { type: 'array', items: weekday, minItems: 1 }, from: hhmm, to: hhmm },
      },
    },
    holidays: {
      type: 'array',
      items: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
      uniqueItems: true,
    },
  },
} as const;
