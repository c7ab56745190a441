/**
 * Client values quoted in error messages. A message must stay small whatever a client sent (a 1 MB
 * external_id must not become a 1 MB status message, nor a 1 MB log line), so at most
 * MAX_QUOTED_CHARS characters of a value are quoted, and the length of the rest is said instead.
 */
export const MAX_QUOTED_CHARS = 64;

/** `value` as a JSON string literal of at most MAX_QUOTED_CHARS characters, marked when cut. */
export function quoteForMessage(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  if (text.length <= MAX_QUOTED_CHARS) return JSON.stringify(text);
  let head = text.slice(0, MAX_QUOTED_CHARS);
  // Never cut a surrogate pair in half: the message would carry half a character.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${JSON.stringify(head)}... (${text.length} characters in all)`;
}
