// Who is calling. People: `Authorization: Bearer <access JWT>`, verified here.
// Integrators: an API key (`ens_…`) in `Authorization: Bearer` or `x-api-key`,
// verified by the tenants subgraph (it owns the hashed keys) and cached 30 s.
// No credentials, or an unknown API key: anonymous (subgraphs' @auth refuse).
// A Bearer JWT that is malformed or expired: UNAUTHENTICATED, so a client
// knows to refresh its session instead of silently acting anonymously.
import { decodeJwt } from 'jose';
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { ANONYMOUS, GATEWAY_IDENTITY_HEADER, verifyAccessToken, type Identity } from '@ensemble/tenancy/identity';
import { isPermission, type Permission } from '@ensemble/tenancy/permissions';
import type { InternalTokens } from './internal-token.ts';
import { SUBGRAPH_UNAVAILABLE } from './errors.ts';
import { logger } from './logger.ts';

export const API_KEY_PREFIX = 'ens_';

/** The gateway itself, when it asks the tenants subgraph to verify a key. */
export const SYSTEM_IDENTITY: Identity = { kind: 'system', actorId: 'gateway', tenantId: '', role: 'system', permissions: [] };

const MAX_CACHED_KEYS = 10_000;

export function unauthenticated(message = 'Your session is invalid or has expired; sign in again'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

function verifierUnavailable(): GraphQLError {
  return new GraphQLError('API keys cannot be verified right now; try again shortly', {
    extensions: { code: SUBGRAPH_UNAVAILABLE, http: { status: 503 } },
  });
}

export interface AuthenticatorOptions {
  /** `<tenants subgraph origin>/internal/api-keys/verify` */
  apiKeyVerifyUrl: string;
  tokens: InternalTokens;
  /** how long a verified API key is trusted without asking again (a revoked key works this long at most) */
  apiKeyCacheMs?: number;
  verifyTimeoutMs?: number;
  jwtSecret?: Uint8Array;
}

export interface Credentials {
  authorization?: string | undefined;
  apiKey?: string | undefined;
}

function asIdentity(value: unknown): Identity | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.kind !== 'api_key' && v.kind !== 'user' && v.kind !== 'system') return null;
  if (typeof v.actorId !== 'string' || typeof v.tenantId !== 'string' || typeof v.role !== 'string') return null;
  if (!Array.isArray(v.permissions) || !v.permissions.every((p): p is Permission => typeof p === 'string' && isPermission(p))) return null;
  return { kind: v.kind, actorId: v.actorId, tenantId: v.tenantId, role: v.role, permissions: v.permissions };
}

const MAX_CACHED_TOKENS = 10_000;

export class Authenticator {
  readonly #options: Required<Omit<AuthenticatorOptions, 'jwtSecret'>> & { jwtSecret?: Uint8Array };
  readonly #keys = new Map<string, { identity: Identity; until: number }>();
  readonly #verifying = new Map<string, Promise<Identity | null>>();
  // Verified access tokens until they expire: HMAC verification was ~10 % of
  // the gateway's CPU per request (bench gateway). Bounded, oldest out first.
  readonly #tokens = new Map<string, { identity: Identity; until: number }>();

  constructor(options: AuthenticatorOptions) {
    this.#options = { apiKeyCacheMs: 30_000, verifyTimeoutMs: 5_000, ...options };
  }

  /** From HTTP headers or WebSocket connection params. */
  async #verifyAccessToken(token: string): Promise<Identity> {
    const cached = this.#tokens.get(token);
    if (cached && cached.until > Date.now()) return cached.identity;
    const identity = this.#options.jwtSecret ? await verifyAccessToken(token, this.#options.jwtSecret) : await verifyAccessToken(token);
    if (!identity) throw unauthenticated();
    const exp = decodeJwt(token).exp;
    if (typeof exp === 'number') {
      if (this.#tokens.size >= MAX_CACHED_TOKENS) this.#tokens.delete(this.#tokens.keys().next().value!);
      this.#tokens.set(token, { identity, until: exp * 1000 });
    }
    return identity;
  }

  async identify(credentials: Credentials): Promise<Identity> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(credentials.authorization ?? '')?.[1];
    if (bearer?.startsWith(API_KEY_PREFIX)) return (await this.#verifyApiKey(bearer)) ?? ANONYMOUS;
    if (bearer) return this.#verifyAccessToken(bearer);
    const apiKey = credentials.apiKey?.trim();
    if (apiKey?.startsWith(API_KEY_PREFIX)) return (await this.#verifyApiKey(apiKey)) ?? ANONYMOUS;
    return ANONYMOUS;
  }

  async #verifyApiKey(key: string): Promise<Identity | null> {
    const hash = createHash('sha256').update(key).digest('hex');
    const now = Date.now();
    const hit = this.#keys.get(hash);
    if (hit && hit.until > now) return hit.identity;
    if (hit) this.#keys.delete(hash);
    let pending = this.#verifying.get(hash);
    if (!pending) {
      pending = this.#askTenants(key).finally(() => this.#verifying.delete(hash));
      this.#verifying.set(hash, pending);
    }
    const identity = await pending;
    if (identity) {
      if (this.#keys.size >= MAX_CACHED_KEYS) this.#keys.delete(this.#keys.keys().next().value!);
      this.#keys.set(hash, { identity, until: Date.now() + this.#options.apiKeyCacheMs });
    }
    return identity;
  }

  async #askTenants(key: string): Promise<Identity | null> {
    let response: Response;
    try {
      response = await fetch(this.#options.apiKeyVerifyUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [GATEWAY_IDENTITY_HEADER]: await this.#options.tokens.tokenFor(SYSTEM_IDENTITY) },
        body: JSON.stringify({ key }),
        signal: AbortSignal.timeout(this.#options.verifyTimeoutMs),
      });
    } catch (error) {
      logger.error({ err: error }, 'API key verification unreachable');
      throw verifierUnavailable();
    }
    if (response.status === 401) {
      await response.body?.cancel();
      return null;
    }
    const body: unknown = response.ok ? await response.json().catch(() => null) : await response.body?.cancel();
    const identity = asIdentity((body as { identity?: unknown } | null)?.identity);
    if (!identity) {
      logger.error({ status: response.status }, 'API key verification answered unexpectedly');
      throw verifierUnavailable();
    }
    return identity;
  }
}
