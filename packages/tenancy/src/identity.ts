// Who is calling, as verified by the gateway and re-verified by every subgraph.
// People carry a JWT access token; integrators an API key. Both resolve to the
// same Identity, which the gateway forwards to subgraphs as a short-lived token
// signed with GATEWAY_SECRET. A subgraph refuses any call without a valid one.
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Permission } from './permissions.ts';

export type ActorKind = 'user' | 'api_key' | 'system';

export interface Identity {
  kind: ActorKind;
  /** user id or API key id */
  actorId: string;
  /** the tenant the actor works in (platform, distributor or client) */
  tenantId: string;
  role: string;
  permissions: Permission[];
}

/** The header carrying the gateway-signed identity token to subgraphs. */
export const GATEWAY_IDENTITY_HEADER = 'x-ensemble-identity';

const INTERNAL_AUDIENCE = 'ensemble-subgraph';
const ACCESS_AUDIENCE = 'ensemble-access';
const ISSUER = 'ensemble';

export function secretFromEnv(name: 'JWT_SECRET' | 'GATEWAY_SECRET'): Uint8Array {
  const value = process.env[name];
  if (!value || value.length < 32) {
    throw new Error(`${name} must be set to at least 32 characters`);
  }
  return new TextEncoder().encode(value);
}

async function sign(identity: Identity, secret: Uint8Array, audience: string, ttl: string): Promise<string> {
  return new SignJWT({ kind: identity.kind, tid: identity.tenantId, role: identity.role, perms: identity.permissions })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(identity.actorId)
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(secret);
}

async function verify(token: string, secret: Uint8Array, audience: string): Promise<Identity | null> {
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.tid !== 'string' || typeof payload.role !== 'string' || !Array.isArray(payload.perms)) {
      return null;
    }
    const kind = payload.kind === 'api_key' || payload.kind === 'system' ? payload.kind : 'user';
    return { kind, actorId: payload.sub, tenantId: payload.tid, role: payload.role, permissions: payload.perms as Permission[] };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) return null;
    throw error;
  }
}

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

/** Access token handed to people at login (verified by the gateway). */
export function signAccessToken(identity: Identity, secret = secretFromEnv('JWT_SECRET')): Promise<string> {
  return sign(identity, secret, ACCESS_AUDIENCE, `${ACCESS_TOKEN_TTL_SECONDS}s`);
}

export function verifyAccessToken(token: string, secret = secretFromEnv('JWT_SECRET')): Promise<Identity | null> {
  return verify(token, secret, ACCESS_AUDIENCE);
}

/** Identity forwarded by the gateway to a subgraph; lives a minute. */
export function signInternalIdentity(identity: Identity, secret = secretFromEnv('GATEWAY_SECRET')): Promise<string> {
  return sign(identity, secret, INTERNAL_AUDIENCE, '60s');
}

export function verifyInternalIdentity(token: string, secret = secretFromEnv('GATEWAY_SECRET')): Promise<Identity | null> {
  return verify(token, secret, INTERNAL_AUDIENCE);
}

/** An anonymous caller that came through the gateway (e.g. login). */
export const ANONYMOUS: Identity = { kind: 'user', actorId: 'anonymous', tenantId: '', role: 'anonymous', permissions: [] };

export function isAnonymous(identity: Identity): boolean {
  return identity.role === 'anonymous';
}
