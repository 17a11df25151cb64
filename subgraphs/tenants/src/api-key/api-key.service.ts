// T4: integrator keys `ens_<prefix>_<secret>`. The prefix finds the key; only
// a SHA-256 of the high-entropy secret is stored; scopes are permissions and
// never exceed the creator's own.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant, withoutTenant, type EntityManager } from '@ensemble/db/orm';
import { ApiKey } from '@ensemble/db/tenants/identity.entity';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import type { Identity } from '@ensemble/tenancy/identity';
import { isUuid, newId } from '@ensemble/tenancy/ids';
import { isPermission, type Permission } from '@ensemble/tenancy/permissions';

const KEY_FORMAT = /^(ens_[a-z2-7]{12})_([A-Za-z0-9_-]{43})$/;

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export interface CreateApiKeyInput {
  name: string;
  scopes: string[];
  expiresAt?: Date | null;
}

export async function createApiKey(em: EntityManager, creator: Identity, input: CreateApiKeyInput) {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) throw badInput('Name must be 1 to 100 characters', 'name');
  if (input.scopes.length === 0) throw badInput('Choose at least one scope', 'scopes');
  const unknown = input.scopes.filter((s) => !isPermission(s));
  if (unknown.length) throw badInput(`Unknown scopes: ${unknown.join(', ')}`, 'scopes');
  const beyond = input.scopes.filter((s) => !creator.permissions.includes(s as Permission));
  if (beyond.length) throw new AppError('FORBIDDEN', `You cannot grant scopes you do not hold: ${beyond.join(', ')}`);
  if (input.expiresAt && input.expiresAt <= new Date()) throw badInput('Expiry must be in the future', 'expiresAt');
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const prefix = 'ens_' + Array.from(randomBytes(12), (b) => alphabet[b % 32]).join('');
  const secret = randomBytes(32).toString('base64url');
  const apiKey = em.create(ApiKey, {
    id: newId(),
    tenantId: creator.tenantId,
    name,
    prefix,
    secretHash: sha256(secret).toString('base64url'),
    scopes: [...new Set(input.scopes)],
    createdBy: creator.kind === 'user' ? creator.actorId : null,
    expiresAt: input.expiresAt ?? null,
  });
  await em.flush();
  return { apiKey, secret: `${prefix}_${secret}` };
}

export async function listApiKeys(em: EntityManager, tenantId: string) {
  return em.find(ApiKey, { tenantId }, { orderBy: { createdAt: 'desc' } });
}

export async function revokeApiKey(em: EntityManager, tenantId: string, id: string) {
  const key = isUuid(id) ? await em.findOne(ApiKey, { id, tenantId }) : null;
  if (!key) throw notFound('API key');
  key.revokedAt ??= new Date();
  await em.flush();
  return key;
}

interface KeyCandidate {
  api_key_id: string;
  secret_hash: string;
  tenant_id: string;
  scopes: string[];
}

/** Resolves a presented key to an identity, or null. Called by the gateway. */
export async function verifyApiKey(orm: MikroORM, presented: string): Promise<Identity | null> {
  const match = KEY_FORMAT.exec(presented);
  if (!match) return null;
  const [, prefix, secret] = match as unknown as [string, string, string];
  const [candidate] = await withoutTenant(orm, (em) =>
    em.getConnection().execute<KeyCandidate[]>('select * from app.api_key_candidate(?)', [prefix], 'all', em.getTransactionContext()));
  if (!candidate) return null;
  const expected = Buffer.from(candidate.secret_hash, 'base64url');
  if (!timingSafeEqual(expected, sha256(secret))) return null;
  await withTenant(orm, candidate.tenant_id, null, ({ em }) =>
    em.getConnection().execute(
      "update tenants.api_key set last_used_at = now() where id = ? and (last_used_at is null or last_used_at < now() - interval '1 minute')",
      [candidate.api_key_id], 'run', em.getTransactionContext()));
  return {
    kind: 'api_key',
    actorId: candidate.api_key_id,
    tenantId: candidate.tenant_id,
    role: 'integrator',
    permissions: candidate.scopes.filter(isPermission),
  };
}
