/** What the rule files' JSON Schemas share: the draft, and the shapes of a decimal and a weekday. */
export const DRAFT = 'http://json-schema.org/draft-07/schema#';
export const decimal = {
  type: 'string',
  pattern: '^\\d{1,30}(\\.\\d{1,20})?$',
  description: 'a decimal amount as text, e.g. "0.25"',
};
export const weekday = {
  type: 'integer',
  minimum: 1,
  maximum: 7,
  description: 'ISO weekday: 1 = Monday ... 7 = Sunday',
};
/** A name shown to people (invoice lines): one line, not blank, no surrounding spaces. */
export const displayName = {
  type: 'string',
  minLength: 1,
  maxLength: 100,
  pattern: '^\\S([^\\n\\r\\t]*\\S)?$',
};
