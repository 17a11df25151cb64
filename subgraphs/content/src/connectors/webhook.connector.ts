// An outgoing webhook as a publishing target (a client's own CMS, Zapier,
// Make…): the item is POSTed as JSON to the connection's URL, signed per
// Standard Webhooks.
//
// The URL is the client's: it goes through the SSRF-safe fetcher
// (@ensemble/ingest/safe-fetch), which refuses private, loopback and
// metadata destinations when the URL is saved (connection.service.ts), again
// when it is sent (a name may resolve elsewhere by then), and at connect time
// for every DNS answer. Redirects are not followed: a 3xx is a failure.
//
// Exactly once: at-least-once delivery with a stable webhook-id derived from
// the idempotency key (the spec's deduplication id): a retry after a crash
// carries the same webhook-id, and receivers following the spec drop it.
import { isLastingFailure, parsePublicUrl, safeFetch, SafeFetchError, type SafeFetch, type SafeFetchResponse } from '@ensemble/ingest/safe-fetch';
import { uuidV5 } from '../pipeline/deterministic-id.ts';
import { ProviderError, requiredSetting, type Connector, type PublishResult } from './connector.ts';
import { PROVIDER_TIMEOUT_MS } from './http.ts';
import { webhookHeaders } from './standard-webhooks.ts';

export const PUBLISHED_EVENT = 'content.published';
/** A receiver's answer is read for the log only: a small cap. */
const MAX_ANSWER_BYTES = 256 * 1024;

export function webhookIdFor(idempotencyKey: string): string {
  return `msg_${uuidV5(`webhook:${idempotencyKey}`).replace(/-/g, '')}`;
}

export interface WebhookConnectorOptions {
  now?: () => Date;
  /** the SSRF-safe fetcher (tests inject one built with createSafeFetcher's resolver and dialler) */
  fetch?: SafeFetch;
}

export function webhookConnector(options: WebhookConnectorOptions = {}): Connector {
  const now = options.now ?? (() => new Date());
  const send = options.fetch ?? safeFetch;
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
      const raw = requiredSetting(request.settings, 'url', 'webhook');
      let url: URL;
      try {
        url = parsePublicUrl(raw);
      } catch (error) {
        throw new ProviderError(`the webhook URL is refused: ${(error as Error).message}`, { retryable: false, cause: error });
      }
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
      let answer: SafeFetchResponse;
      try {
        answer = await send(url.href, {
          method: 'POST',
          body,
          headers: { ...webhookHeaders(secret, id, Math.floor(at.getTime() / 1000), body), 'content-type': 'application/json' },
          accept: 'application/json',
          timeoutMs: PROVIDER_TIMEOUT_MS,
          maxBytes: MAX_ANSWER_BYTES,
        });
      } catch (error) {
        if (error instanceof SafeFetchError) {
          // No answer (or a refused destination): the receiver may or may not have the message.
          throw new ProviderError(`webhook ${url.host}: ${error.message}`, { retryable: !isLastingFailure(error.reason), cause: error });
        }
        throw new ProviderError(`webhook ${url.host} failed: ${(error as Error).message}`, { retryable: true, cause: error });
      }
      if (answer.status < 200 || answer.status >= 300) {
        const excerpt = answer.body.toString('utf8').slice(0, 300);
        const redirect = answer.status >= 300 && answer.status < 400 ? ' (webhooks do not follow redirects: save the final URL)' : '';
        throw new ProviderError(`${url.host} answered ${answer.status}${redirect}${excerpt ? `: ${excerpt}` : ''}`, {
          status: answer.status,
          retryable: answer.status === 429 || answer.status >= 500,
        });
      }
      return { externalId: id, url: null, responseStatus: answer.status };
    },
  };
}
