// A webhook receiver that does what Standard Webhooks asks of one: verify the
// signature (with the `standardwebhooks` reference library, not the
// product's own code) and drop a message whose webhook-id it already has.
import { Webhook } from 'standardwebhooks';
import type { HttpFake } from './http-fake.ts';

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  payload: unknown;
}

export interface WebhookReceiver {
  path: string;
  /** one per webhook-id: duplicates are acknowledged and dropped */
  received: ReceivedWebhook[];
  duplicates: number;
  rejected: number;
}

export function registerWebhookReceiver(fake: HttpFake, path: string, secret: string): WebhookReceiver {
  const verifier = new Webhook(secret);
  const receiver: WebhookReceiver = { path, received: [], duplicates: 0, rejected: 0 };
  fake.route(`webhook:${path}`, 'POST', path, (request) => {
    let payload: unknown;
    try {
      payload = verifier.verify(request.body, {
        'webhook-id': request.headers['webhook-id'] ?? '',
        'webhook-timestamp': request.headers['webhook-timestamp'] ?? '',
        'webhook-signature': request.headers['webhook-signature'] ?? '',
      });
    } catch {
      receiver.rejected += 1;
      return { status: 401, body: { error: 'invalid signature' } };
    }
    const id = request.headers['webhook-id']!;
    if (receiver.received.some((r) => r.id === id)) {
      receiver.duplicates += 1;
      return { status: 200, body: { ok: true, duplicate: true } };
    }
    receiver.received.push({ id, timestamp: Number(request.headers['webhook-timestamp']), payload });
    return { status: 200, body: { ok: true } };
  });
  return receiver;
}
