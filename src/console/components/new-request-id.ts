/**
 * An idempotency key for one user action (common.proto: request_id). crypto.randomUUID needs a
 * secure context; getRandomValues does not, so the console also works over plain http on a LAN name.
 */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
