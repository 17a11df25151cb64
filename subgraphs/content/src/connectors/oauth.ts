// OAuth access tokens of a connection: the current one while it is valid, a
// refreshed one when it expires (or the provider rejected it). Refreshes are
// serialised per connection (row lock): providers that rotate refresh tokens
// invalidate the old one on use, so two concurrent refreshes would lose.
//   RFC 6749 §6 (LinkedIn, Google): POST token_url grant_type=refresh_token
//   Meta: GET token_url?grant_type=fb_exchange_token (long-lived token exchange)
import type { EntityManager } from '@ensemble/db/orm';
import { sql } from '../pipeline/sql.ts';
import { ProviderError, type ConnectorCode } from './connector.ts';
import { currentOauthToken, oauthClientFor, storeOauthToken } from './connection.service.ts';
import type { ProviderEndpoints } from './endpoints.ts';
import { callProvider } from './http.ts';

/** Refresh this long before the stated expiry: a token must not expire mid-call. */
export const EXPIRY_MARGIN_MS = 60_000;

type Tx = <T>(fn: (em: EntityManager) => Promise<T>) => Promise<T>;

export interface TokenSubject {
  tenantId: string;
  connectionId: string;
  connectorId: string;
  connector: ConnectorCode;
}

interface TokenAnswer {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
}

/** A usable access token: the stored one, or a fresh one if it expired (or `rejected` names the one the provider refused). */
export async function accessToken(tx: Tx, endpoints: ProviderEndpoints, subject: TokenSubject, now: Date, rejected?: string): Promise<string> {
  const current = await tx((em) => currentOauthToken(em, subject.connectionId));
  if (!current) throw new ProviderError('the connection has no OAuth token: connect the account again', { retryable: false });
  const expired = current.expiresAt !== null && current.expiresAt.getTime() - EXPIRY_MARGIN_MS <= now.getTime();
  if (!expired && current.accessToken !== rejected) return current.accessToken;
  return refresh(tx, endpoints, subject, now, current.accessToken);
}

async function refresh(tx: Tx, endpoints: ProviderEndpoints, subject: TokenSubject, now: Date, stale: string): Promise<string> {
  const outcome = await tx(async (em): Promise<{ token: string } | { error: unknown }> => {
    await sql(em, `select id from tenants.connector_connection where id = ? for update`, [subject.connectionId]);
    // Someone else may have refreshed while we waited for the lock.
    const current = await currentOauthToken(em, subject.connectionId);
    if (!current) throw new ProviderError('the connection has no OAuth token: connect the account again', { retryable: false });
    if (current.accessToken !== stale) return { token: current.accessToken };
    const client = await oauthClientFor(em, subject.connectionId, subject.connectorId);
    if (!client) throw new ProviderError(`no OAuth app is configured for ${subject.connector}: a super admin must add its client id and secret`, { retryable: false });
    const tokenUrl = endpoints.tokenUrls[subject.connector] ?? client.tokenUrl;
    if (!tokenUrl) throw new ProviderError(`${subject.connector} has no token endpoint`, { retryable: false });

    let answer: TokenAnswer;
    try {
      if (subject.connector === 'meta_pages') {
        const query = new URLSearchParams({ grant_type: 'fb_exchange_token', client_id: client.clientId, client_secret: client.clientSecret, fb_exchange_token: current.accessToken });
        answer = (await callProvider<TokenAnswer>({ method: 'GET', url: `${tokenUrl}?${query}`, tokenRejected: () => false })).body;
      } else {
        if (!current.refreshToken) throw new ProviderError('the token expired and there is no refresh token: connect the account again', { retryable: false });
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: current.refreshToken, client_id: client.clientId, client_secret: client.clientSecret });
        answer = (await callProvider<TokenAnswer>({ method: 'POST', url: tokenUrl, body: form, tokenRejected: () => false })).body;
      }
    } catch (error) {
      return { error };
    }
    if (!answer.access_token) throw new ProviderError('the token endpoint answered without an access token', { retryable: true });
    await storeOauthToken(em, {
      tenantId: subject.tenantId,
      connectionId: subject.connectionId,
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token ?? current.refreshToken,
      expiresAt: answer.expires_in ? new Date(now.getTime() + answer.expires_in * 1000) : null,
      scopes: answer.scope ? answer.scope.split(/[\s,]+/).filter(Boolean) : [],
    });
    return { token: answer.access_token };
  });
  if ('token' in outcome) return outcome.token;
  const error = outcome.error;
  if (error instanceof ProviderError && error.status !== null && error.status >= 400 && error.status < 500) {
    // The grant is dead (revoked, rotated elsewhere): the connection needs a person.
    await tx((em) => sql(em, `update tenants.connector_connection set status = 'error', last_error = ?, updated_at = now() where id = ?`,
      [`token refresh refused: ${error.message}`.slice(0, 1000), subject.connectionId]));
    throw new ProviderError(`token refresh refused: ${error.message}`, { status: error.status, retryable: false });
  }
  throw error;
}
