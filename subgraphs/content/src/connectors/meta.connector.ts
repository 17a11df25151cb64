// Facebook Pages and Instagram through the Meta Graph API.
//   Facebook: POST /{version}/{page-id}/feed  (message, link)  → { id }
//   Instagram: POST /{version}/{ig-user-id}/media (image_url, caption) → { id: container }
//              POST /{version}/{ig-user-id}/media_publish (creation_id) → { id: media }
// The page (or Instagram account) token goes in the Authorization header.
// An expired or revoked token is answered with error code 190 (OAuthException),
// often with HTTP 400 rather than 401: both ask the caller to refresh.
//
// Exactly once: the Graph API takes no idempotency key; after a crash the
// retry reads the page's feed (or the account's media) since the earlier
// attempt and adopts a post with the same text (reconcile).
import { plainText, ProviderError, requiredSetting, sameText, type Connector, type PublishRequest, type PublishResult } from './connector.ts';
import type { ProviderEndpoints } from './endpoints.ts';
import { callProvider, joinUrl } from './http.ts';

export function graphTokenRejected(status: number, body: unknown): boolean {
  const code = (body as { error?: { code?: number } } | null)?.error?.code;
  return status === 401 || code === 190 || code === 102;
}

/** The post's text: plain body, then the link when the item points somewhere. */
export function socialText(request: PublishRequest, withLink: boolean): string {
  const text = plainText(request.item.body);
  return withLink && request.item.link && !text.includes(request.item.link) ? `${text}\n\n${request.item.link}` : text;
}

export function metaConnector(endpoints: ProviderEndpoints): Connector {
  const graph = (path: string) => joinUrl(endpoints.metaGraph, `/${endpoints.metaGraphVersion}/${path.replace(/^\/+/, '')}`);

  function token(request: PublishRequest): string {
    const value = request.credentials.accessToken;
    if (!value) throw new ProviderError('the Meta connection has no access token', { retryable: false, tokenRejected: true });
    return value;
  }

  async function postJson<T>(request: PublishRequest, url: string, body: URLSearchParams) {
    return callProvider<T>({ method: 'POST', url, headers: { authorization: `Bearer ${token(request)}` }, body, tokenRejected: graphTokenRejected });
  }

  async function getJson<T>(request: PublishRequest, url: string) {
    return callProvider<T>({ method: 'GET', url, headers: { authorization: `Bearer ${token(request)}` }, tokenRejected: graphTokenRejected });
  }

  return {
    code: 'meta_pages',
    channels: ['facebook', 'instagram'],
    perRecipient: false,
    oauth: true,
    describe(request) {
      return request.channel === 'instagram'
        ? { method: 'POST', url: graph(`${String(request.settings['instagramUserId'] ?? '?')}/media`), next: 'media_publish' }
        : { method: 'POST', url: graph(`${String(request.settings['pageId'] ?? '?')}/feed`) };
    },
    async publish(request): Promise<PublishResult> {
      if (request.channel === 'instagram') {
        const igUser = requiredSetting(request.settings, 'instagramUserId', 'Instagram');
        if (!request.item.imageUrl) throw new ProviderError('Instagram needs a public image: attach one to the item (and set MEDIA_PUBLIC_BASE_URL) or set the channel\'s default image', { retryable: false });
        const container = await postJson<{ id: string }>(request, graph(`${igUser}/media`),
          new URLSearchParams({ image_url: request.item.imageUrl, caption: socialText(request, false) }));
        const published = await postJson<{ id: string }>(request, graph(`${igUser}/media_publish`), new URLSearchParams({ creation_id: container.body.id }));
        return { externalId: published.body.id, url: null, responseStatus: published.status };
      }
      const pageId = requiredSetting(request.settings, 'pageId', 'Facebook');
      const form = new URLSearchParams({ message: socialText(request, false) });
      if (request.item.link) form.set('link', request.item.link);
      const answer = await postJson<{ id: string }>(request, graph(`${pageId}/feed`), form);
      const [, postId] = answer.body.id.split('_');
      return { externalId: answer.body.id, url: `https://www.facebook.com/${pageId}/posts/${postId ?? answer.body.id}`, responseStatus: answer.status };
    },
    async reconcile(request, since): Promise<PublishResult | null> {
      const sinceSeconds = Math.floor(since.getTime() / 1000) - 60;
      if (request.channel === 'instagram') {
        const igUser = requiredSetting(request.settings, 'instagramUserId', 'Instagram');
        const answer = await getJson<{ data: Array<{ id: string; caption?: string; timestamp?: string; permalink?: string }> }>(request,
          `${graph(`${igUser}/media`)}?fields=id,caption,timestamp,permalink&limit=25`);
        const found = answer.body.data.find((m) => sameText(m.caption, socialText(request, false)) && (!m.timestamp || Date.parse(m.timestamp) / 1000 >= sinceSeconds));
        return found ? { externalId: found.id, url: found.permalink ?? null, responseStatus: answer.status } : null;
      }
      const pageId = requiredSetting(request.settings, 'pageId', 'Facebook');
      const answer = await getJson<{ data: Array<{ id: string; message?: string; created_time?: string }> }>(request,
        `${graph(`${pageId}/feed`)}?fields=id,message,created_time&since=${sinceSeconds}&limit=25`);
      const found = answer.body.data.find((p) => sameText(p.message, socialText(request, false)));
      if (!found) return null;
      const [, postId] = found.id.split('_');
      return { externalId: found.id, url: `https://www.facebook.com/${pageId}/posts/${postId ?? found.id}`, responseStatus: answer.status };
    },
  };
}
