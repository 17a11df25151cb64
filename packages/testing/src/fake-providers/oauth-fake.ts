// OAuth 2.0 token endpoints of the fakes. Access tokens are opaque strings
// that the provider fakes check here: one can be expired on demand to make a
// provider answer "invalid token", so the client must refresh and retry.
//   POST {prefix}/token   grant_type=refresh_token (RFC 6749 §6; LinkedIn, Google)
//   GET  {prefix}/access_token?grant_type=fb_exchange_token (Meta)
import { randomBytes } from 'node:crypto';
import type { HttpFake } from './http-fake.ts';

export interface OauthClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface TokenStore {
  /** a valid access token for the provider (and its refresh token) */
  issue(provider: string, options?: { expiresInSeconds?: number }): { accessToken: string; refreshToken: string };
  valid(provider: string, token: string | null): boolean;
  /** make a token invalid now (the provider then rejects it) */
  expire(token: string): void;
  refreshes(provider: string): number;
}

interface Grant {
  provider: string;
  expiresAt: number;
  revoked: boolean;
}

export function createTokenStore(): TokenStore & { refreshTokens: Map<string, string>; grants: Map<string, Grant>; counts: Map<string, number> } {
  const grants = new Map<string, Grant>();
  const refreshTokens = new Map<string, string>();
  const counts = new Map<string, number>();
  return {
    grants,
    refreshTokens,
    counts,
    issue(provider, options = {}) {
      const accessToken = `${provider}-at-${randomBytes(12).toString('hex')}`;
      const refreshToken = `${provider}-rt-${randomBytes(12).toString('hex')}`;
      grants.set(accessToken, { provider, expiresAt: Date.now() + (options.expiresInSeconds ?? 3600) * 1000, revoked: false });
      refreshTokens.set(refreshToken, provider);
      return { accessToken, refreshToken };
    },
    valid(provider, token) {
      const grant = token ? grants.get(token) : undefined;
      return !!grant && grant.provider === provider && !grant.revoked && grant.expiresAt > Date.now();
    },
    expire(token) {
      const grant = grants.get(token);
      if (grant) grant.revoked = true;
    },
    refreshes: (provider) => counts.get(provider) ?? 0,
  };
}

/** Registers the token endpoint(s) of one provider under `prefix`. Refresh tokens rotate, as LinkedIn's and Meta's do. */
export function registerTokenEndpoint(fake: HttpFake, store: ReturnType<typeof createTokenStore>, provider: string, prefix: string, client: OauthClientCredentials): void {
  const bad = (error: string, description: string) => ({ status: 400, body: { error, error_description: description } });
  fake.route(`${provider}.token`, 'POST', `${prefix}/token`, (request) => {
    const form = request.form ?? {};
    if (form['client_id'] !== client.clientId || form['client_secret'] !== client.clientSecret) return { status: 401, body: { error: 'invalid_client', error_description: 'client authentication failed' } };
    if (form['grant_type'] !== 'refresh_token') return bad('unsupported_grant_type', 'only refresh_token');
    const owner = form['refresh_token'] ? store.refreshTokens.get(form['refresh_token']) : undefined;
    if (owner !== provider) return bad('invalid_grant', 'refresh token unknown or already used');
    store.refreshTokens.delete(form['refresh_token']!);
    store.counts.set(provider, (store.counts.get(provider) ?? 0) + 1);
    const issued = store.issue(provider);
    return { status: 200, body: { access_token: issued.accessToken, expires_in: 3600, refresh_token: issued.refreshToken, token_type: 'Bearer' } };
  });
  fake.route(`${provider}.exchange`, 'GET', `${prefix}/access_token`, (request) => {
    const q = request.query;
    if (q.get('client_id') !== client.clientId || q.get('client_secret') !== client.clientSecret) return { status: 400, body: { error: { message: 'Error validating client secret.', type: 'OAuthException', code: 1 } } };
    if (q.get('grant_type') !== 'fb_exchange_token') return { status: 400, body: { error: { message: 'Unsupported grant_type', type: 'OAuthException', code: 100 } } };
    const current = q.get('fb_exchange_token');
    if (!current || !store.grants.has(current) || store.grants.get(current)!.provider !== provider) {
      return { status: 400, body: { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } } };
    }
    store.counts.set(provider, (store.counts.get(provider) ?? 0) + 1);
    const issued = store.issue(provider, { expiresInSeconds: 60 * 24 * 3600 });
    return { status: 200, body: { access_token: issued.accessToken, token_type: 'bearer', expires_in: 60 * 24 * 3600 } };
  });
}
