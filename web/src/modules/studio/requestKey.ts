/**
 * A key that makes a paid request safe to retry: the server writes and charges
 * once per key. crypto.randomUUID needs a secure context; getRandomValues does not.
 */
export function newRequestKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
