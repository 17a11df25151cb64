// Connecting a client's channel to an account through the API (SMTP, Twilio,
// webhook): what each channel can be connected to, refusals that write
// nothing, the webhook's secret shown once and then used to sign what is
// published, disconnection, roles and tenants.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { startHttpFake, type HttpFake } from '@ensemble/testing/fake-providers/http-fake';
import { executeAs } from '@ensemble/subgraph-kit/context';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import { appUrl } from '@ensemble/db/connection';
import { DEMO } from '@ensemble/db/seed';
import { createStorage } from '@ensemble/storage/storage';
import { defaultDial, type DialTarget, type Resolver } from '@ensemble/ingest/safe-fetch';
import type { Identity } from '@ensemble/tenancy/identity';
import { studioModule } from '../../studio/studio.resolver.ts';
import { publicationModule } from '../publication.resolver.ts';
import { createPublisher } from '../publish-item.service.ts';
import { connectionCredentials } from '../../connectors/connection.service.ts';
import { endpointsFromEnv } from '../../connectors/endpoints.ts';
import { createConnectorRegistry, type ConnectorRegistry } from '../../connectors/registry.ts';
import { verifyWebhook } from '../../connectors/standard-webhooks.ts';
import { A, B, approvedItem, channelOf, inTenant, openFixture, type Fixture } from './publication-fixtures.ts';

// The client's endpoint stands at a public name; the test's dialler routes its address to a local receiver.
const HOOKS_HOST = 'hooks.lumiere.example';
const HOOKS_IP = '93.184.215.24';
const resolver: Resolver = async (hostname) => (hostname === HOOKS_HOST ? [{ address: HOOKS_IP, family: 4 }] : []);

let f: Fixture;
let pubsub: PgPubSub;
let receiver: HttpFake;
let registry: ConnectorRegistry;
let storageDir: string;
const schema = buildGuardedSubgraphSchema([studioModule, publicationModule]);
const { gql, ok, fails } = executeAs(() => ({ schema, orm: f.orm, pubsub }));

function user(tenantId: string, actorId: string, permissions: string[]): Identity {
  return { kind: 'user', actorId, tenantId, role: 'client_admin', permissions: permissions as Identity['permissions'] };
}
const bakery = user(A, DEMO.logins.clientAdmin.id, ['content:read', 'content:write', 'content:publish']);
const editor = user(A, DEMO.logins.clientEditor.id, ['content:read', 'content:write']);
const fitness = user(B, DEMO.logins.fitnessAdmin.id, ['content:read', 'content:write', 'content:publish']);

const CHANNELS = '{ publishingChannels { channelId channel connector connectionName connectionStatus connectable overdue } }';
const CONNECT = `mutation($c: ID!, $i: ConnectChannelInput!) {
  connectChannel(channelId: $c, input: $i) { signingSecret channel { channelId channel connector connectionName connectionStatus } }
}`;
const DISCONNECT = 'mutation($c: ID!) { disconnectChannel(channelId: $c) { channelId connector connectionStatus } }';

const connections = async () => Number((await f.admin.query('select count(*) from tenants.connector_connection')).rows[0].count);

beforeAll(async () => {
  f = await openFixture();
  pubsub = new PgPubSub(appUrl(f.adminUrl), 'channel_connections_test');
  receiver = await startHttpFake();
  receiver.route('instagram', 'POST', '/hooks/instagram', () => ({ status: 204 }));
  const { port } = receiver;
  registry = createConnectorRegistry(endpointsFromEnv({}), {
    egress: { resolve: resolver, dial: (target: DialTarget) => (target.addresses[0]?.address === HOOKS_IP ? net.connect(port, '127.0.0.1') : defaultDial(target)) },
  });
  storageDir = mkdtempSync(join(tmpdir(), 'ensemble-connections-'));
});

afterAll(async () => {
  registry?.close();
  await receiver?.close();
  await pubsub?.close();
  await f?.close();
  if (storageDir) rmSync(storageDir, { recursive: true, force: true });
});

describe('connecting a channel', () => {
  it('says what each channel can be connected to', async () => {
    await channelOf(f, A, 'sms');
    const { publishingChannels } = await ok(bakery, CHANNELS);
    const byKind = Object.fromEntries(publishingChannels.map((c: { channel: string; connectable: string[] }) => [c.channel, c.connectable]));
    expect(byKind).toMatchObject({ NEWSLETTER: ['SMTP', 'WEBHOOK'], SMS: ['TWILIO', 'WEBHOOK'], INSTAGRAM: ['WEBHOOK'] });
  });

  it('refuses bad input field by field, and writes nothing', async () => {
    const instagram = await channelOf(f, A, 'instagram');
    const sms = await channelOf(f, A, 'sms');
    const newsletter = await channelOf(f, A, 'newsletter');
    const before = await connections();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [instagram, { connector: 'SMTP', displayName: 'Mail' }, 'connector'],
      [instagram, { connector: 'WEBHOOK', displayName: 'CMS', url: 'http://127.0.0.1:8080/hook' }, 'url'],
      [instagram, { connector: 'WEBHOOK', displayName: 'CMS', url: 'http://169.254.169.254/latest/meta-data' }, 'url'],
      [instagram, { connector: 'WEBHOOK', displayName: ' ', url: `https://${HOOKS_HOST}/hooks` }, 'displayName'],
      [sms, { connector: 'TWILIO', displayName: 'SMS', accountSid: 'AC123', authToken: 'x'.repeat(32), from: '+33612345678' }, 'accountSid'],
      [sms, { connector: 'TWILIO', displayName: 'SMS', accountSid: `AC${'a'.repeat(32)}`, authToken: 'short', from: '+33612345678' }, 'authToken'],
      [sms, { connector: 'TWILIO', displayName: 'SMS', accountSid: `AC${'a'.repeat(32)}`, authToken: 'x'.repeat(32), from: '06 12 34 56 78' }, 'from'],
      [newsletter, { connector: 'SMTP', displayName: 'Own server', url: 'smtp://user:pw@10.0.0.5:587', from: 'lettre@maison-lumiere.fr' }, 'url'],
      [newsletter, { connector: 'SMTP', displayName: 'Own server', url: 'smtp://user:pw@smtp.maison-lumiere.fr:587' }, 'from'],
      [newsletter, { connector: 'SMTP', displayName: 'Relay', from: 'not an address' }, 'from'],
    ];
    for (const [channelId, input, field] of cases) {
      const error = await fails(bakery, CONNECT, { c: channelId, i: input });
      expect([error.code, error.extensions['field']], JSON.stringify(input)).toEqual(['BAD_USER_INPUT', field]);
      expect(error.message).not.toMatch(/pw@|stack/);
    }
    expect(await connections()).toBe(before);
  });

  it('connects a webhook, shows its signing secret once, and signs what is published with it', async () => {
    const instagram = await channelOf(f, A, 'instagram');
    const { connectChannel } = await ok(bakery, CONNECT, { c: instagram, i: { connector: 'WEBHOOK', displayName: 'Our CMS', url: `http://${HOOKS_HOST}/hooks/instagram` } });
    expect(connectChannel.channel).toEqual({ channelId: instagram, channel: 'INSTAGRAM', connector: 'webhook', connectionName: 'Our CMS', connectionStatus: 'active' });
    const secret = connectChannel.signingSecret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    // Never readable again through the API; stored sealed.
    const listed = await gql(bakery, '{ publishingChannels { channelId signingSecret } }');
    expect(listed.errors?.[0]?.message).toMatch(/Cannot query field "signingSecret"/);
    const { rows: [stored] } = await f.admin.query('select c.id, c.encrypted_credentials from tenants.connector_connection c join content.channel ch on ch.connection_id = c.id where ch.id = $1', [instagram]);
    expect(Buffer.from(stored.encrypted_credentials).toString('latin1')).not.toContain(secret.slice(6));
    expect(await inTenant(f, A, (em) => connectionCredentials(em, stored.id))).toEqual({ secret });

    const itemId = await approvedItem(f, A, 'instagram', 'Brioche du dimanche', 'La brioche revient ce dimanche. #brioche');
    const publisher = createPublisher({ orm: f.orm, connectors: registry, storage: createStorage({ driver: 'local', dir: storageDir }), now: () => new Date() });
    expect(await publisher.publishNow(A, itemId)).toMatchObject({ status: 'sent', connector: 'webhook' });
    const [message, ...more] = receiver.calls('instagram');
    expect(more).toEqual([]);
    expect(verifyWebhook(secret, message!.headers, message!.body)).toBe(true);
    expect(JSON.parse(message!.body)).toMatchObject({ type: 'content.published', data: { itemId, channel: 'instagram', title: 'Brioche du dimanche' } });
  });

  it('replaces an account: the old one is revoked; disconnecting leaves the channel without one', async () => {
    const sms = await channelOf(f, A, 'sms');
    const twilio = { connector: 'TWILIO', displayName: 'Twilio', accountSid: `AC${'b'.repeat(32)}`, authToken: 't'.repeat(32), from: '+33612345678' };
    const connected = await ok(bakery, CONNECT, { c: sms, i: twilio });
    expect(connected.connectChannel).toEqual({ signingSecret: null, channel: { channelId: sms, channel: 'SMS', connector: 'twilio', connectionName: 'Twilio', connectionStatus: 'active' } });
    const attached = async () => (await f.admin.query('select connection_id from content.channel where id = $1', [sms])).rows[0].connection_id as string;
    const status = async (id: string) => (await f.admin.query('select status from tenants.connector_connection where id = $1', [id])).rows[0].status;
    const first = await attached();
    // The same Twilio account again (a new number): the account is renewed, not duplicated.
    await ok(bakery, CONNECT, { c: sms, i: { ...twilio, displayName: 'Twilio (new number)', from: '+33612345679' } });
    expect(await attached()).toBe(first);
    expect((await f.admin.query('select display_name, settings, status from tenants.connector_connection where id = $1', [first])).rows[0])
      .toEqual({ display_name: 'Twilio (new number)', settings: { accountSid: twilio.accountSid, from: '+33612345679' }, status: 'active' });
    // Another account: the first is revoked (nothing else uses it).
    await ok(bakery, CONNECT, { c: sms, i: { ...twilio, displayName: 'Twilio (agency)', accountSid: `AC${'c'.repeat(32)}` } });
    const current = await attached();
    expect(current).not.toBe(first);
    expect(await status(first)).toBe('revoked');
    expect(await status(current)).toBe('active');

    expect((await ok(bakery, DISCONNECT, { c: sms })).disconnectChannel).toEqual({ channelId: sms, connector: null, connectionStatus: null });
    expect(await status(current)).toBe('revoked');
    // Again: nothing left to detach, same answer.
    expect((await ok(bakery, DISCONNECT, { c: sms })).disconnectChannel).toEqual({ channelId: sms, connector: null, connectionStatus: null });
  });

  it('connects the newsletter to the client\'s own SMTP server, keeping the channel\'s list', async () => {
    const newsletter = await channelOf(f, A, 'newsletter');
    await f.admin.query(`update content.channel set settings = settings || '{"listId":"kept"}'::jsonb where id = $1`, [newsletter]);
    const { connectChannel } = await ok(bakery, CONNECT, { c: newsletter, i: { connector: 'SMTP', displayName: 'OVH', url: 'smtps://lettre:secret@ssl0.ovh.net:465', from: 'Maison Lumière <lettre@maison-lumiere.fr>' } });
    expect(connectChannel.channel).toMatchObject({ connector: 'smtp', connectionName: 'OVH' });
    const { rows: [row] } = await f.admin.query('select c.id, c.settings, ch.settings as channel_settings from tenants.connector_connection c join content.channel ch on ch.connection_id = c.id where ch.id = $1', [newsletter]);
    expect(row.settings).toEqual({ from: 'Maison Lumière <lettre@maison-lumiere.fr>' });
    expect(row.channel_settings).toMatchObject({ listId: 'kept' });
    expect(await inTenant(f, A, (em) => connectionCredentials(em, row.id))).toEqual({ url: 'smtps://lettre:secret@ssl0.ovh.net:465' });
  });

  it('gives the account to the channel\'s client when its distributor connects it', async () => {
    const agency = user(DEMO.tenants.atlasAgency, DEMO.logins.distributorAdmin.id, ['content:read', 'content:write', 'content:publish']);
    const fitnessInstagram = await channelOf(f, B, 'instagram');
    const { connectChannel } = await ok(agency, CONNECT, { c: fitnessInstagram, i: { connector: 'WEBHOOK', displayName: 'Studio CMS', url: `https://${HOOKS_HOST}/hooks/fitness` } });
    expect(connectChannel.channel).toMatchObject({ channelId: fitnessInstagram, connector: 'webhook', connectionName: 'Studio CMS' });
    const { rows: [row] } = await f.admin.query('select c.tenant_id, c.created_by from tenants.connector_connection c join content.channel ch on ch.connection_id = c.id where ch.id = $1', [fitnessInstagram]);
    expect(row).toEqual({ tenant_id: B, created_by: DEMO.logins.distributorAdmin.id });
    // The client sees it as its own.
    expect((await ok(fitness, CHANNELS)).publishingChannels.find((c: { channelId: string }) => c.channelId === fitnessInstagram)).toMatchObject({ connector: 'webhook' });
  });

  it('is for those who may publish, and for the channel\'s own client only', async () => {
    const instagram = await channelOf(f, A, 'instagram');
    const input = { connector: 'WEBHOOK', displayName: 'Hijack', url: `https://${HOOKS_HOST}/steal` };
    expect((await fails(editor, CONNECT, { c: instagram, i: input })).code).toBe('FORBIDDEN');
    expect((await fails(editor, DISCONNECT, { c: instagram })).code).toBe('FORBIDDEN');
    const before = await connections();
    for (const id of [instagram, '00000000-0000-7000-8000-000000000000', 'not-an-id']) {
      expect((await fails(fitness, CONNECT, { c: id, i: input })).code).toBe('NOT_FOUND');
      expect((await fails(fitness, DISCONNECT, { c: id })).code).toBe('NOT_FOUND');
    }
    expect(await connections()).toBe(before);
    expect((await ok(bakery, CHANNELS)).publishingChannels.find((c: { channelId: string }) => c.channelId === instagram)).toMatchObject({ connector: 'webhook', connectionName: 'Our CMS' });
  });

  it('counts, per channel, the approved posts whose time passed unpublished', async () => {
    const overdue = async (identity: Identity, kind: string) =>
      (await ok(identity, CHANNELS)).publishingChannels.find((c: { channel: string }) => c.channel === kind).overdue as number;
    const before = await overdue(bakery, 'FACEBOOK');
    const slotted = async (title: string, at: string, status?: string, tenantId = A) => {
      const itemId = await approvedItem(f, tenantId, 'facebook', title, `${title}, à la boutique.`);
      if (status) await f.admin.query('update content.content_item set status = $1 where id = $2', [status, itemId]);
      const slotId = randomUUID();
      await f.admin.query(`insert into content.calendar_slot (id, tenant_id, channel, scheduled_at, status, item_id) values ($1, $2, 'facebook', now() + $3::interval, 'filled', $4)`, [slotId, tenantId, at, itemId]);
      await f.admin.query('update content.content_item set calendar_slot_id = $1 where id = $2', [slotId, itemId]);
    };
    await slotted('Galette des rois', '-2 days');
    await slotted('Bûche de Noël', '-1 hour', 'scheduled');
    await slotted('Chandeleur', '+3 days');
    await slotted('Pain d’épices', '-5 days', 'published');
    expect(await overdue(bakery, 'FACEBOOK')).toBe(before + 2);
    // The bakery's overdue posts are not counted for another client's channel of the same kind.
    await channelOf(f, B, 'facebook');
    expect(await overdue(fitness, 'FACEBOOK')).toBe(0);
    // An agency sees each of its clients' channels with that client's count only.
    const riad = DEMO.tenants.riad;
    const riadFacebook = await channelOf(f, riad, 'facebook');
    const fitnessFacebook = await channelOf(f, B, 'facebook');
    await slotted('Cours du samedi', '-1 day', undefined, B);
    const agency = user(DEMO.tenants.atlasAgency, DEMO.logins.distributorAdmin.id, ['content:read', 'content:write', 'content:publish']);
    const seen = (await ok(agency, CHANNELS)).publishingChannels as Array<{ channelId: string; overdue: number }>;
    expect([fitnessFacebook, riadFacebook].map((id) => seen.find((c) => c.channelId === id)?.overdue)).toEqual([1, 0]);
  });
});
