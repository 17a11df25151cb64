// T4: email + password login, JWT access tokens, rotating refresh tokens.
// Login happens before any tenant is known, so candidates come from the
// SECURITY DEFINER function app.login_candidates(); sessions are written
// inside the tenant's own transaction like any tenant row.
import { createHash, randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant, withoutTenant, type EntityManager } from '@ensemble/db/orm';
import { Session } from '@ensemble/db/tenants/identity.entity';
import { AppError, badInput } from '@ensemble/tenancy/errors';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, type Identity } from '@ensemble/tenancy/identity';
import { newId } from '@ensemble/tenancy/ids';
import { hashPassword, verifyPassword } from '@ensemble/tenancy/password';
import type { Permission } from '@ensemble/tenancy/permissions';

const REFRESH_TTL_DAYS = 30;
const INVALID_LOGIN = 'Email or password is incorrect';
// Verified when the email is unknown, so both paths cost one scrypt.
let decoyHash: Promise<string> | null = null;

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: Date;
  identity: Identity;
}

interface LoginCandidate {
  user_id: string;
  password_hash: string;
  tenant_id: string;
  role_name: string;
  permissions: string[];
}

interface SessionLookup {
  session_id: string;
  user_id: string;
  tenant_id: string;
  expires_at: Date;
  revoked_at: Date | null;
  role_name: string;
  permissions: string[];
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function userIdentity(userId: string, tenantId: string, role: string, permissions: string[]): Identity {
  return { kind: 'user', actorId: userId, tenantId, role, permissions: permissions as Permission[] };
}

async function issue(em: EntityManager, identity: Identity, userAgent: string | null): Promise<{ tokens: IssuedTokens; sessionId: string }> {
  const refreshToken = randomBytes(32).toString('base64url');
  const sessionId = newId();
  em.create(Session, {
    id: sessionId,
    tenantId: identity.tenantId,
    userId: identity.actorId,
    refreshTokenHash: hashRefreshToken(refreshToken),
    expiresAt: new Date(Date.now() + REFRESH_TTL_DAYS * 86_400_000),
    userAgent: userAgent?.slice(0, 300) ?? null,
  });
  await em.flush();
  const accessToken = await signAccessToken(identity);
  return {
    sessionId,
    tokens: { accessToken, refreshToken, accessTokenExpiresAt: new Date(Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000), identity },
  };
}

export async function login(orm: MikroORM, email: string, password: string, userAgent: string | null = null): Promise<IssuedTokens> {
  const normalized = email.trim().toLowerCase();
  if (!normalized.includes('@') || normalized.length > 254) throw badInput('Enter a valid email address', 'email');
  if (password.length === 0 || password.length > 1024) throw new AppError('UNAUTHENTICATED', INVALID_LOGIN);
  const candidates = await withoutTenant(orm, (em) =>
    em.getConnection().execute<LoginCandidate[]>('select * from app.login_candidates(?)', [normalized], 'all', em.getTransactionContext()));
  const first = candidates[0];
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const valid = await verifyPassword(password, first?.password_hash ?? (await decoyHash));
  if (!first || !valid) throw new AppError('UNAUTHENTICATED', INVALID_LOGIN);
  // A person with several memberships starts in the oldest; switching comes with the UI for it.
  const identity = userIdentity(first.user_id, first.tenant_id, first.role_name, first.permissions);
  return withTenant(orm, identity.tenantId, identity.actorId, async ({ em }) => (await issue(em, identity, userAgent)).tokens);
}

/**
 * Exchanges a refresh token for new tokens; the old one is revoked. Presenting
 * an already-rotated token means it leaked: every session of that user in
 * that tenant is revoked.
 */
export async function refresh(orm: MikroORM, refreshToken: string, userAgent: string | null = null): Promise<IssuedTokens> {
  const hash = hashRefreshToken(refreshToken);
  const [found] = await withoutTenant(orm, (em) =>
    em.getConnection().execute<SessionLookup[]>('select * from app.session_by_refresh(?)', [hash], 'all', em.getTransactionContext()));
  if (!found || new Date(found.expires_at) <= new Date()) throw new AppError('UNAUTHENTICATED', 'Your session has expired; sign in again');
  const identity = userIdentity(found.user_id, found.tenant_id, found.role_name, found.permissions);
  const rotated = await withTenant(orm, found.tenant_id, found.user_id, async ({ em }) => {
    const conn = em.getConnection();
    const ctx = em.getTransactionContext();
    const claimed = await conn.execute<{ id: string }[]>(
      'update tenants.session set revoked_at = now() where id = ? and revoked_at is null returning id', [found.session_id], 'all', ctx);
    if (claimed.length === 0) {
      // Committed before the caller is refused: the revocation must stick.
      await conn.execute('update tenants.session set revoked_at = now() where user_id = ? and tenant_id = ? and revoked_at is null',
        [found.user_id, found.tenant_id], 'run', ctx);
      return null;
    }
    const { tokens, sessionId } = await issue(em, identity, userAgent);
    await conn.execute('update tenants.session set replaced_by = ? where id = ?', [sessionId, found.session_id], 'run', ctx);
    return tokens;
  });
  if (!rotated) throw new AppError('UNAUTHENTICATED', 'This session was already used; sign in again');
  return rotated;
}

export async function logout(orm: MikroORM, refreshToken: string): Promise<boolean> {
  const [found] = await withoutTenant(orm, (em) =>
    em.getConnection().execute<SessionLookup[]>('select * from app.session_by_refresh(?)', [hashRefreshToken(refreshToken)], 'all', em.getTransactionContext()));
  if (!found) return true;
  await withTenant(orm, found.tenant_id, found.user_id, ({ em }) =>
    em.getConnection().execute('update tenants.session set revoked_at = now() where id = ? and revoked_at is null', [found.session_id], 'run', em.getTransactionContext()));
  return true;
}
