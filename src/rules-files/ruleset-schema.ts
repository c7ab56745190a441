/** The JSON Schema of ruleset.json: the envelope, the json-rules-engine rules and period pricing. */
import { DRAFT, decimal, displayName } from './schema-parts';
import { ACCESS_TYPES } from '../domain/cdr';
import { FACT_NAMES, OPERATORS, EVENT_TYPES } from '../domain/rating/facts';

export const rulesetSchema = {
  $schema: DRAFT,
  $id: 'ruleset.schema.json',
  title: 'Rule set envelope (ruleset.json)',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'version', 'effectiveFrom', 'currency', 'defaultTimeZone', 'rounding', 'rules'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    version: { type: 'string', minLength: 1, description: 'a version label finance chooses, e.g. "2025.2"' },
    description: { type: 'string' },
    effectiveFrom: {
      type: 'string',
      description: 'ISO 8601 with offset; calls starting at or after it use this set',
    },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    defaultTimeZone: {
      type: 'string',
      description: 'IANA zone used when the customer has none, e.g. Europe/Stockholm',
    },
    rounding: {
      type: 'object',
      additionalProperties: false,
      required: ['method', 'decimals'],
      properties: {
        method: { enum: ['half_up', 'half_even', 'half_down', 'up', 'down', 'ceiling', 'floor'] },
        decimals: { type: 'integer', minimum: 0, maximum: 10 },
      },
    },
    zoneBy: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        ACCESS_TYPES.map((a) => [a, { enum: ['calledNumber', 'callerNumber'] }]),
      ),
    },
    rules: { type: 'array', items: { $ref: '#/definitions/rule' } },
    periodPricing: { $ref: '#/definitions/periodPricing' },
    accessTypeNames: {
      type: 'object',
      additionalProperties: false,
      description:
        'display names of access types for invoices, e.g. "dial_out": "Dial-out"; built-in labels otherwise',
      properties: Object.fromEntries(ACCESS_TYPES.map((a) => [a, displayName])),
    },
  },
  definitions: {
    periodPricing: {
      type: 'object',
      additionalProperties: false,
      required: ['plans'],
      description:
        'pricing per billing period (included minutes, volume tiers, minimum commitment) by contract price plan',
      properties: {
        description: { type: 'string' },
        plans: {
          type: 'object',
          minProperties: 1,
          description:
            'contract price plan -> its period pricing; "*" for a customer whose plan has no entry (or who has none)',
          propertyNames: { pattern: '^\\S(.*\\S)?$' },
          additionalProperties: { $ref: '#/definitions/periodPricingPlan' },
        },
      },
    },
    periodPricingPlan: {
      type: 'object',
      additionalProperties: false,
      properties: {
        includedMinutes: {
          type: 'object',
          additionalProperties: false,
          required: ['minutes'],
          description: 'free minutes per period, used up most expensive first',
          properties: { minutes: decimal, accessTypes: { $ref: '#/definitions/accessTypes' } },
        },
        volumeTiers: {
          type: 'object',
          additionalProperties: false,
          required: ['model', 'tiers'],
          description: "the period's minutes priced on tiers, in addition to the rated calls",
          properties: {
            model: { enum: ['graduated', 'volume'] },
            tiers: { type: 'array', minItems: 1, items: { $ref: '#/definitions/volumeTier' } },
            accessTypes: { $ref: '#/definitions/accessTypes' },
            description: { type: 'string' },
            vatRate: decimal,
          },
        },
        minimumCommitment: {
          type: 'object',
          additionalProperties: false,
          required: ['amount'],
          description: 'minimum net amount per period; a top-up line adds the difference',
          properties: { amount: decimal, vatRate: decimal, description: { type: 'string' } },
        },
      },
    },
    volumeTier: {
      type: 'object',
      additionalProperties: false,
      required: ['upTo', 'unitPrice'],
      properties: {
        upTo: {
          type: ['string', 'null'],
          pattern: decimal.pattern,
          description: 'inclusive upper bound in minutes; null for the last tier',
        },
        unitPrice: decimal,
        flatFee: decimal,
      },
    },
    accessTypes: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...ACCESS_TYPES] } },
    rule: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'conditions', 'event'],
      properties: {
        name: { type: 'string', minLength: 1 },
        description: { type: 'string' },
        priority: { type: 'integer', minimum: 1, description: 'higher wins; default 1' },
        conditions: { $ref: '#/definitions/topCondition' },
        event: { $ref: '#/definitions/event' },
      },
    },
    topCondition: {
      type: 'object',
      if: { required: ['all'] },
      then: { $ref: '#/definitions/allCondition' },
      else: {
        if: { required: ['any'] },
        then: { $ref: '#/definitions/anyCondition' },
        else: { $ref: '#/definitions/notCondition' },
      },
    },
    condition: {
      type: 'object',
      if: { required: ['all'] },
      then: { $ref: '#/definitions/allCondition' },
      else: {
        if: { required: ['any'] },
        then: { $ref: '#/definitions/anyCondition' },
        else: {
          if: { required: ['not'] },
          then: { $ref: '#/definitions/notCondition' },
          else: { $ref: '#/definitions/factCondition' },
        },
      },
    },
    allCondition: {
      type: 'object',
      additionalProperties: false,
      required: ['all'],
      properties: {
        all: { type: 'array', items: { $ref: '#/definitions/condition' } },
        priority: { type: 'integer', minimum: 1 },
      },
    },
    anyCondition: {
      type: 'object',
      additionalProperties: false,
      required: ['any'],
      properties: {
        any: { type: 'array', items: { $ref: '#/definitions/condition' } },
        priority: { type: 'integer', minimum: 1 },
      },
    },
    notCondition: {
      type: 'object',
      additionalProperties: false,
      required: ['not'],
      properties: { not: { $ref: '#/definitions/condition' }, priority: { type: 'integer', minimum: 1 } },
    },
    factCondition: {
      type: 'object',
      additionalProperties: false,
      required: ['fact', 'operator', 'value'],
      properties: {
        fact: { enum: FACT_NAMES },
        operator: { enum: [...OPERATORS] },
        value: { type: ['string', 'number', 'boolean', 'array'] },
        priority: { type: 'integer', minimum: 1 },
      },
    },
    event: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'params'],
      properties: { type: { enum: [...EVENT_TYPES] }, params: { type: 'object' } },
      allOf: [
        {
          if: { required: ['type'], properties: { type: { const: 'rate' } } },
          then: {
            properties: {
              params: {
                type: 'object',
                additionalProperties: false,
                required: ['rateCard'],
                properties: { rateCard: { type: 'string' } },
              },
            },
          },
        },
        {
          if: { required: ['type'], properties: { type: { const: 'reject' } } },
          then: {
            properties: {
              params: {
                type: 'object',
                additionalProperties: false,
                required: ['reason'],
                properties: { reason: { type: 'string', minLength: 1 } },
              },
            },
          },
        },
        {
          if: { required: ['type'], properties: { type: { const: 'discount' } } },
          then: {
            properties: {
              params: {
                type: 'object',
                additionalProperties: false,
                required: ['percent'],
                properties: { percent: decimal, label: { type: 'string' } },
              },
            },
          },
        },
        {
          if: { required: ['type'], properties: { type: { const: 'surcharge' } } },
          then: {
            properties: {
              params: {
                type: 'object',
                additionalProperties: false,
                required: ['name'],
                properties: { name: { type: 'string', minLength: 1 }, amount: decimal, perMinute: decimal },
              },
            },
          },
        },
      ],
    },
  },
} as const;
