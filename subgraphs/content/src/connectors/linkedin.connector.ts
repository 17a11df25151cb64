// LinkedIn posts through the versioned REST API:
//   POST /rest/posts  (LinkedIn-Version: YYYYMM, X-Restli-Protocol-Version: 2.0.0)
//   → 201, the post's URN in the x-restli-id header.
// The author is the organization (or member) URN of the connection.
//
// Exactly once: no idempotency key; after a crash the retry lists the
// author's recent posts (GET /rest/posts?q=author) and adopts one with the
// same commentary created since the earlier attempt (reconcile).
import { ProviderError, requiredSetting, sameText, type Connector, type PublishRequest, type PublishResult } from './connector.ts';
import { socialText } from './meta.connector.ts';
import type { ProviderEndpoints } from './endpoints.ts';
import { callProvider, joinUrl } from './http.ts';

export function linkedinConnector(endpoints: ProviderEndpoints): Connector {
  function headers(request: PublishRequest): Record<string, string> {
    const token = request.credentials.accessToken;
    if (!token) throw new ProviderError('the LinkedIn connection has no access token', { retryable: false, tokenRejected: true });
    return {
      authorization: `Bearer ${token}`,
      'linkedin-version': endpoints.linkedinVersion,
      'x-restli-protocol-version': '2.0.0',
    };
  }
  const postUrl = (urn: string) => `https://www.linkedin.com/feed/update/${encodeURIComponent(urn)}/`;

  return {
    code: 'linkedin',
    channels: ['linkedin'],
    perRecipient: false,
    oauth: true,
    describe() {
      return { method: 'POST', url: joinUrl(endpoints.linkedin, '/rest/posts'), linkedinVersion: endpoints.linkedinVersion };
    },
    async publish(request): Promise<PublishResult> {
      const author = requiredSetting(request.settings, 'authorUrn', 'LinkedIn');
      const answer = await callProvider<unknown>({
        method: 'POST',
        url: joinUrl(endpoints.linkedin, '/rest/posts'),
        headers: headers(request),
        body: {
          author,
          commentary: socialText(request, true),
          visibility: 'PUBLIC',
          distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
          lifecycleState: 'PUBLISHED',
          isReshareDisabledByAuthor: false,
        },
      });
      const urn = answer.headers.get('x-restli-id');
      if (!urn) throw new ProviderError('LinkedIn created the post but named no id (x-restli-id missing)', { status: answer.status, retryable: false });
      return { externalId: urn, url: postUrl(urn), responseStatus: answer.status };
    },
    async reconcile(request, since): Promise<PublishResult | null> {
      const author = requiredSetting(request.settings, 'authorUrn', 'LinkedIn');
      const query = new URLSearchParams({ q: 'author', author, count: '20', sortBy: 'CREATED' });
      const answer = await callProvider<{ elements: Array<{ id: string; commentary?: string; createdAt?: number }> }>({
        method: 'GET', url: `${joinUrl(endpoints.linkedin, '/rest/posts')}?${query}`, headers: headers(request),
      });
      const text = socialText(request, true);
      const found = answer.body.elements.find((p) => sameText(p.commentary, text) && (p.createdAt ?? Number.MAX_SAFE_INTEGER) >= since.getTime() - 60_000);
      return found ? { externalId: found.id, url: postUrl(found.id), responseStatus: answer.status } : null;
    },
  };
}
