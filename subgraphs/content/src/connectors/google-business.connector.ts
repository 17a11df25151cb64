// Google Business Profile "local posts":
//   POST /v4/{accounts/*/locations/*}/localPosts  → LocalPost { name, searchUrl }
// with the OAuth access token of the connection (scope business.manage).
//
// Exactly once: no idempotency key; after a crash the retry lists the
// location's posts and adopts one with the same summary created since the
// earlier attempt (reconcile).
import { plainText, ProviderError, requiredSetting, sameText, type Connector, type PublishRequest, type PublishResult } from './connector.ts';
import type { ProviderEndpoints } from './endpoints.ts';
import { callProvider, joinUrl } from './http.ts';

interface LocalPost {
  name: string;
  summary?: string;
  searchUrl?: string;
  createTime?: string;
}

/** Local posts take at most 1,500 characters. */
export function localPostSummary(request: PublishRequest): string {
  return plainText(request.item.body).slice(0, 1500);
}

export function googleBusinessConnector(endpoints: ProviderEndpoints): Connector {
  function auth(request: PublishRequest): Record<string, string> {
    const token = request.credentials.accessToken;
    if (!token) throw new ProviderError('the Google Business Profile connection has no access token', { retryable: false, tokenRejected: true });
    return { authorization: `Bearer ${token}` };
  }
  function location(request: PublishRequest): string {
    const name = requiredSetting(request.settings, 'locationName', 'Google Business Profile');
    if (!/^accounts\/[^/]+\/locations\/[^/]+$/.test(name)) throw new ProviderError('locationName must look like accounts/{account}/locations/{location}', { retryable: false });
    return name;
  }

  return {
    code: 'google_business',
    channels: ['google_business'],
    perRecipient: false,
    oauth: true,
    describe(request) {
      return { method: 'POST', url: joinUrl(endpoints.googleBusiness, `/v4/${String(request.settings['locationName'] ?? '?')}/localPosts`) };
    },
    async publish(request): Promise<PublishResult> {
      const parent = location(request);
      const post: Record<string, unknown> = { languageCode: request.item.locale.slice(0, 2), summary: localPostSummary(request), topicType: 'STANDARD' };
      if (request.item.link) post['callToAction'] = { actionType: 'LEARN_MORE', url: request.item.link };
      const answer = await callProvider<LocalPost>({ method: 'POST', url: joinUrl(endpoints.googleBusiness, `/v4/${parent}/localPosts`), headers: auth(request), body: post });
      return { externalId: answer.body.name, url: answer.body.searchUrl ?? null, responseStatus: answer.status };
    },
    async reconcile(request, since): Promise<PublishResult | null> {
      const parent = location(request);
      const answer = await callProvider<{ localPosts?: LocalPost[] }>({
        method: 'GET', url: `${joinUrl(endpoints.googleBusiness, `/v4/${parent}/localPosts`)}?pageSize=20`, headers: auth(request),
      });
      const summary = localPostSummary(request);
      const found = (answer.body.localPosts ?? []).find((p) => sameText(p.summary, summary) && (!p.createTime || Date.parse(p.createTime) >= since.getTime() - 60_000));
      return found ? { externalId: found.name, url: found.searchUrl ?? null, responseStatus: answer.status } : null;
    },
  };
}
