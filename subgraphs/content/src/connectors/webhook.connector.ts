// An outgoing webhook as a publishing target (a client's own CMS, Zapier,
// Make…): the item is POSTed as JSON to the connection's URL, signed per
// Standard Webhooks.
//
// Exactly once: at-least-once delivery with a stable webhook-id derived from
// the idempotency key (the spec's deduplication id): a retry after a crash
// carries the same webhook-id, and receivers following the spec drop it.
import { uuidV5 } from '../pipeline/deterministic-id.ts';
import { ProviderError, requiredSetting, type Connector, type PublishResult } from './connector.ts';
import { callProvider } from './http.ts';
import { webhookHeaders } from './standard-webhooks.ts';

export const PUBLISHED_EVENT = 'content.published';

export function webhookIdFor(idempotencyKey: string): string {
  return `msg_${uuidV5(`webhook:${idempotencyKey}`).replace(/-/g, '')}`;
}

export function webhookConnector(options: { now?: () => Date } = {}): Connector {
  const now = options.now ?? (() => new Date());
  return {
    code: 'webhook',
    channels: ['blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms'],
    perRecipient: false,
    oauth: false,
    describe(request) {
      const url = typeof request.settings['url'] === 'string' ? request.settings['url'] : '?';
      return { method: 'POST', url, webhookId: webhookIdFor(request.idempotencyKey), type: PUBLISHED_EVENT };
    },
    async publish(request): Promise<PublishResult> {
      const url = requiredSetting(request.settings, 'url', 'webhook');
      if (!/^https?:\/\//.test(url)) throw new ProviderError('the webhook URL must be http(s)', { retryable: false });
      const secret = request.credentials.secret;
      if (!secret) throw new ProviderError('the webhook connection has no signing secret', { retryable: false });
      const id = webhookIdFor(request.idempotencyKey);
      const at = now();
      const body = JSON.stringify({
        type: PUBLISHED_EVENT,
        timestamp: at.toISOString(),
        data: {
          tenantId: request.tenantId,
          itemId: request.item.id,
          version: request.version,
          channel: request.channel,
          title: request.item.title,
          slug: request.item.slug,
          locale: request.item.locale,
          metaDescription: request.item.metaDescription,
          body: request.item.body,
          link: request.item.link,
          idempotencyKey: request.idempotencyKey,
        },
      });
      const answer = await callProvider<unknown>({
        method: 'POST',
        url,
        headers: { ...webhookHeaders(secret, id, Math.floor(at.getTime() / 1000), body), 'content-type': 'application/json' },
        body,
        tokenRejected: () => false,
      });
      return { externalId: id, url: null, responseStatus: answer.status };
    },
  };
}
