// Shared set-up of the publication tests: a migrated, seeded database, the
// app's ORM, and helpers to give the demo clients items, channels,
// connections and contacts the way the product does.
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createOrm, withTenant, type EntityManager } from '@ensemble/db/orm';
import { appUrl } from '@ensemble/db/connection';
import { seed, DEMO } from '@ensemble/db/seed';
import { createTestDatabase } from '@ensemble/testing/database';
import { encryptSecret, generateMasterKey, keyringFromEnv } from '@ensemble/ai/secrets';
import { createDraft, type DraftInput } from '../../studio/studio.service.ts';
import { attachChannel, connectorSecretContext, createConnection, storeOauthToken, type ConnectionInput } from '../../connectors/connection.service.ts';
import type { ChannelKind } from '../../planning/slot-plan.ts';
import { createContact, createList, type ContactInput } from '../../contacts/contacts.service.ts';

// Connection secrets are sealed with the platform's master key.
process.env['ENSEMBLE_MASTER_KEY'] ??= generateMasterKey();

export const A = DEMO.logins.clientAdmin.tenantId;
export const B = DEMO.logins.fitnessAdmin.tenantId;

export interface Fixture {
  orm: MikroORM;
  admin: pg.Client;
  adminUrl: string;
  close(): Promise<void>;
}

export async function openFixture(): Promise<Fixture> {
  const db = await createTestDatabase();
  await seed(db.adminUrl);
  const orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 4 });
  const admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  return {
    orm,
    admin,
    adminUrl: db.adminUrl,
    async close() {
      await orm.close();
      await admin.end();
      await db.drop();
    },
  };
}

export function inTenant<T>(f: Fixture, tenantId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return withTenant(f.orm, tenantId, null, ({ em }) => fn(em));
}

/** An approved item of the channel, as a client would have after approval. */
export async function approvedItem(f: Fixture, tenantId: string, channel: ChannelKind, title: string, body: string, locale = 'fr'): Promise<string> {
  const item = await inTenant(f, tenantId, (em) => createDraft(em, tenantId, null, { channel: channel.toUpperCase() as DraftInput['channel'], title, body, locale }));
  await f.admin.query(`update content.content_item set status = 'approved' where id = $1`, [item.id]);
  return item.id;
}

/** The client's channel of this kind (created when the demo has none). */
export async function channelOf(f: Fixture, tenantId: string, kind: ChannelKind): Promise<string> {
  const { rows } = await f.admin.query<{ id: string }>(`select id from content.channel where tenant_id = $1 and kind = $2 order by name limit 1`, [tenantId, kind]);
  if (rows[0]) return rows[0].id;
  const { rows: created } = await f.admin.query<{ id: string }>(
    `insert into content.channel (id, tenant_id, kind, name, locale) values (gen_random_uuid(), $1, $2, $3, 'fr') returning id`, [tenantId, kind, `${kind} test`]);
  return created[0]!.id;
}

/** A connection attached to the client's channel of this kind. */
export async function connect(f: Fixture, tenantId: string, kind: ChannelKind, input: Omit<ConnectionInput, 'tenantId'>, channelSettings: Record<string, unknown> = {}): Promise<{ channelId: string; connectionId: string }> {
  const channelId = await channelOf(f, tenantId, kind);
  const connectionId = await inTenant(f, tenantId, async (em) => {
    const id = await createConnection(em, { ...input, tenantId });
    await attachChannel(em, channelId, id, channelSettings);
    return id;
  });
  return { channelId, connectionId };
}

export async function giveTokens(f: Fixture, tenantId: string, connectionId: string, tokens: { accessToken: string; refreshToken?: string | null; expiresAt?: Date | null }): Promise<void> {
  await inTenant(f, tenantId, (em) => storeOauthToken(em, { tenantId, connectionId, ...tokens }));
}

/** The platform's OAuth app of a connector (super admin data, sealed like the product seals it). */
export async function oauthApp(f: Fixture, code: string, client: { clientId: string; clientSecret: string }): Promise<void> {
  const { rows } = await f.admin.query<{ id: string }>(`select id from tenants.connector where code = $1`, [code]);
  const connectorId = rows[0]!.id;
  const sealed = encryptSecret(client.clientSecret, connectorSecretContext(connectorId), keyringFromEnv());
  await f.admin.query(
    `insert into tenants.connector_secret (connector_id, client_id, encrypted_client_secret, key_id) values ($1, $2, $3, $4)
     on conflict (connector_id) do update set client_id = excluded.client_id, encrypted_client_secret = excluded.encrypted_client_secret, key_id = excluded.key_id`,
    [connectorId, client.clientId, sealed.blob, sealed.keyId]);
}

export async function listWith(f: Fixture, tenantId: string, name: string, contacts: ContactInput[]): Promise<{ listId: string; contactIds: string[] }> {
  return inTenant(f, tenantId, async (em) => {
    const list = await createList(em, tenantId, { name });
    const ids: string[] = [];
    for (const c of contacts) ids.push((await createContact(em, tenantId, { ...c, listIds: [list.id] })).id);
    return { listId: list.id, contactIds: ids };
  });
}

/** The state a crash between the provider's success and our record leaves: the rows say "still sending". */
export async function rewindToCrash(f: Fixture, publicationId: string): Promise<void> {
  await f.admin.query(`update content.publication set status = 'pending', published_at = null, external_id = null where id = $1`, [publicationId]);
  await f.admin.query(`update content.message_send set status = 'queued', sent_at = null, provider_message_id = null where publication_id = $1`, [publicationId]);
  await f.admin.query(
    `update content.publication_attempt set status = 'running', finished_at = null, response_status = null, external_id = null
      where publication_id = $1 and attempt = (select max(attempt) from content.publication_attempt where publication_id = $1)`, [publicationId]);
}
