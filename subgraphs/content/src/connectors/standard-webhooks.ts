// Standard Webhooks signatures (https://www.standardwebhooks.com):
//   signed content  = `${webhook-id}.${webhook-timestamp}.${body}`
//   webhook-signature = `v1,${base64(HMAC-SHA256(key, signed content))}`
// where the key is the base64 part of a `whsec_…` secret. Several signatures
// may be listed, space-separated (key rotation); one match is enough.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
/** Receivers refuse messages older or newer than this (replay protection). */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

function keyOf(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 16) throw new Error('a webhook secret must hold at least 16 bytes (whsec_ + base64)');
  return key;
}

export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function webhookHeaders(secret: string, id: string, timestamp: number, body: string): WebhookHeaders {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(secret, id, timestamp, body) };
}

/** True when one of the listed v1 signatures matches and the timestamp is recent enough. */
export function verifyWebhook(secret: string, headers: Partial<WebhookHeaders>, body: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  const id = headers['webhook-id'];
  const timestamp = Number(headers['webhook-timestamp']);
  const signatures = headers['webhook-signature'];
  if (!id || !Number.isInteger(timestamp) || !signatures) return false;
  if (Math.abs(nowSeconds - timestamp) > TIMESTAMP_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signWebhook(secret, id, timestamp, body).slice(3), 'base64');
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
