// Every HTTP connector against a local server speaking its provider's wire
// format (packages/testing/src/fake-providers): one post each with the right
// auth and headers, OAuth refresh when the provider rejects or the token has
// expired, and no second post after a lost answer (reconcile, or the
// receiver's dedup by webhook-id for webhooks).
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProviders, type FakeProviders } from '@ensemble/testing/fake-providers/fake-providers';
import { verifyMediaUrl } from '@ensemble/storage/signed-url';
import { createStorage } from '@ensemble/storage/storage';
import { startSmtpCatcher, type SmtpCatcher } from '@ensemble/testing/fake-providers/smtp-catcher';
import { defaultDial, type DialTarget, type Resolver } from '@ensemble/ingest/safe-fetch';
import { endpointsFromEnv } from '../endpoints.ts';
import { createConnectorRegistry, type ConnectorRegistry } from '../registry.ts';
import { signWebhook, verifyWebhook, webhookHeaders } from '../standard-webhooks.ts';
import { getPublication } from '../../publication/publication-log.service.ts';
import { createPublisher, type PublishOutcome, type Publisher } from '../../publication/publish-item.service.ts';
import { A, B, approvedItem, connect, giveTokens, inTenant, listWith, oauthApp, openFixture, type Fixture } from '../../publication/__tests__/publication-fixtures.ts';
import { encryptSecret, keyringFromEnv } from '@ensemble/ai/secrets';
import { attachChannel, connectionContext } from '../connection.service.ts';

let f: Fixture;
let fakes: FakeProviders;
let registry: ConnectorRegistry;
let publisher: Publisher;
let storageDir: string;
let canary: net.Server;
let canaryConnections = 0;
let catcher: SmtpCatcher;
const clock = { now: new Date() };

// Webhook URLs and SMTP servers are the client's and must be public: the
// receiver (and the mail catcher) stand at public names whose (public)
// addresses the test's dialler routes to the local fakes. Names the resolver
// does not know resolve for real.
const CANARY_PORT = 17211;
const HOOKS_HOST = 'hooks.lumiere.example';
const HOOKS_IP = '93.184.215.14';
const MAIL_HOST = 'mail.lumiere.example';
const MAIL_IP = '93.184.215.15';
const testResolver: Resolver = async (hostname) => {
  if (hostname === HOOKS_HOST) return [{ address: HOOKS_IP, family: 4 }];
  if (hostname === MAIL_HOST) return [{ address: MAIL_IP, family: 4 }];
  if (hostname === 'rebound.lumiere.example') return [{ address: '127.0.0.1', family: 4 }];
  return (await import('node:dns/promises')).lookup(hostname, { all: true }).then((all) => all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })));
};

beforeAll(async () => {
  f = await openFixture();
  fakes = await startFakeProviders();
  storageDir = mkdtempSync(join(tmpdir(), 'ensemble-connectors-'));
  canary = net.createServer((socket) => {
    canaryConnections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => canary.once('error', reject).listen(CANARY_PORT, '127.0.0.1', resolve));
  catcher = await startSmtpCatcher();
  const fakePort = Number(new URL(fakes.webhook.url).port);
  const routes = new Map([[HOOKS_IP, fakePort], [MAIL_IP, catcher.smtpPort]]);
  const egress = {
    resolve: testResolver,
    dial: (target: DialTarget) => {
      const port = target.addresses.every((a) => a.address === target.addresses[0]!.address) ? routes.get(target.addresses[0]!.address) : undefined;
      return port === undefined ? defaultDial(target) : net.connect(port, '127.0.0.1');
    },
  };
  registry = createConnectorRegistry(endpointsFromEnv({ ...fakes.env, MEDIA_PUBLIC_BASE_URL: 'https://media.example.test' }), { egress });
  publisher = createPublisher({ orm: f.orm, connectors: registry, storage: createStorage({ driver: 'local', dir: storageDir }), now: () => clock.now });
  await oauthApp(f, 'meta_pages', fakes.clients.meta);
  await oauthApp(f, 'linkedin', fakes.clients.linkedin);
  await oauthApp(f, 'google_business', fakes.clients.google);
});

afterAll(async () => {
  canary?.close();
  registry?.close();
  await catcher?.close();
  await fakes?.close();
  await f?.close();
  if (storageDir) rmSync(storageDir, { recursive: true, force: true });
});

function sent(outcome: PublishOutcome): Extract<PublishOutcome, { status: 'sent' }> {
  if (outcome.status !== 'sent') throw new Error(`expected sent, got ${JSON.stringify(outcome)}`);
  return outcome;
}

async function attempts(publicationId: string) {
  return (await inTenant(f, A, (em) => getPublication(em, publicationId))).attempts.map((a) => a.status).reverse();
}

describe('Standard Webhooks signature', () => {
  it('matches the specification\'s test vector', () => {
    // From the Standard Webhooks reference libraries' tests.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const signature = signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    const headers = webhookHeaders(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(verifyWebhook(secret, headers, '{"test": 2432232314}', 1614265330)).toBe(true);
    expect(verifyWebhook(secret, headers, '{"test": 2432232315}', 1614265330)).toBe(false);
    // Outside the five-minute tolerance a valid signature is still refused (replays).
    expect(verifyWebhook(secret, headers, '{"test": 2432232314}', 1614265330 + 301)).toBe(false);
  });
});

describe('outgoing webhook', () => {
  it('delivers one signed message the receiver verifies; a retry after a lost answer is dropped by webhook-id', async () => {
    await connect(f, A, 'landing_page', { connector: 'webhook', displayName: 'CMS', settings: { url: `http://${HOOKS_HOST}/hooks/cms` }, credentials: { secret: fakes.webhook.secret } });
    const itemId = await approvedItem(f, A, 'landing_page', 'Atelier pain', 'Inscrivez-vous à l’atelier du samedi.');
    // The receiver takes the message, then the connection drops before its answer.
    fakes.http.hangUpNext('webhook:/hooks/cms');
    const lost = await publisher.publishNow(A, itemId);
    expect(lost).toMatchObject({ status: 'failed', retryable: true });
    if (lost.status !== 'failed') throw new Error('expected a failure');
    const replayed = sent(await publisher.replay(A, lost.publicationId));
    expect(fakes.webhook.rejected).toBe(0);
    expect(fakes.webhook.received).toHaveLength(1);
    expect(fakes.webhook.duplicates).toBe(1);
    expect(fakes.webhook.received[0]!.payload).toMatchObject({ type: 'content.published', data: { itemId, channel: 'landing_page', title: 'Atelier pain' } });
    expect(replayed.externalId).toBe(fakes.webhook.received[0]!.id);
    expect(await attempts(lost.publicationId)).toEqual(['failed', 'sent']);
  });

  it('refuses a private, loopback or metadata URL when the connection is saved, and writes nothing', async () => {
    const { rows: [before] } = await f.admin.query(`select count(*)::int as n from tenants.connector_connection where tenant_id = $1`, [A]);
    for (const url of [`http://127.0.0.1:${CANARY_PORT}/hook`, `http://localhost:${CANARY_PORT}/`, 'http://10.0.0.5/hook', 'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/hook', 'http://2130706433/', 'http://intranet/hook', 'https://user:pw@hooks.lumiere.example/', 'ftp://hooks.lumiere.example/']) {
      await expect(connect(f, A, 'blog', { connector: 'webhook', displayName: 'Bad', settings: { url }, credentials: { secret: fakes.webhook.secret } }), url)
        .rejects.toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'settings.url' } });
    }
    // A channel setting overrides the connection's URL: it is checked the same way.
    const { connectionId, channelId } = await connect(f, B, 'blog', { connector: 'webhook', displayName: 'CMS', settings: { url: `http://${HOOKS_HOST}/hooks/cms` }, credentials: { secret: fakes.webhook.secret } });
    await expect(inTenant(f, B, (em) => attachChannel(em, channelId, connectionId, { url: `http://127.0.0.1:${CANARY_PORT}/` })))
      .rejects.toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'settings.url' } });
    const { rows: [after] } = await f.admin.query(`select count(*)::int as n from tenants.connector_connection where tenant_id = $1`, [A]);
    expect(after.n).toBe(before.n);
    expect(canaryConnections).toBe(0);
  });

  it('refuses at send time a URL that now points inside (stored before the check, or a name resolving to loopback)', async () => {
    const { connectionId } = await connect(f, A, 'blog', { connector: 'webhook', displayName: 'Old CMS', settings: { url: 'http://rebound.lumiere.example/hooks/cms' }, credentials: { secret: fakes.webhook.secret } });
    const first = await publisher.publishNow(A, await approvedItem(f, A, 'blog', 'Rebound', 'Texte.'));
    expect(first).toMatchObject({ status: 'failed', retryable: false, error: expect.stringMatching(/127\.0\.0\.1.*loopback/) });
    // A URL written straight into the row (older data, a bypassed check).
    await f.admin.query(`update tenants.connector_connection set settings = jsonb_set(settings, '{url}', to_jsonb($2::text)) where id = $1`,
      [connectionId, `http://127.0.0.1:${CANARY_PORT}/hooks/cms`]);
    const second = await publisher.publishNow(A, await approvedItem(f, A, 'blog', 'Direct', 'Texte.'));
    expect(second).toMatchObject({ status: 'failed', retryable: false, error: expect.stringMatching(/refused.*loopback/) });
    expect(canaryConnections).toBe(0);
    expect(fakes.webhook.received).toHaveLength(1);
  });
});

describe('a client\'s own SMTP server', () => {
  let listId: string;

  beforeAll(async () => {
    ({ listId } = await listWith(f, B, 'Lettre SMTP', [{ email: 'dora@example.test', firstName: 'Dora', emailConsent: true }]));
  });

  it('sends through a public host (the seam routes it to the local catcher)', async () => {
    await connect(f, B, 'newsletter', { connector: 'smtp', displayName: 'Own server', settings: { from: 'Atelier <lettre@atelier.example>' }, credentials: { url: `smtp://${MAIL_HOST}:2525` } }, { listId });
    const outcome = await publisher.publishNow(B, await approvedItem(f, B, 'newsletter', 'Lettre d’avril', 'Le fournil ouvre samedi.'));
    expect(outcome).toMatchObject({ status: 'sent', recipients: { sent: 1, failed: 0 } });
    const [message] = await catcher.waitFor(1);
    expect(message).toMatchObject({ subject: 'Lettre d’avril', envelopeTo: ['dora@example.test'], from: 'lettre@atelier.example' });
  });

  it('refuses a loopback, private, link-local or metadata server when the connection is saved, and writes nothing', async () => {
    const { rows: [before] } = await f.admin.query(`select count(*)::int as n from tenants.connector_connection where tenant_id = $1`, [B]);
    for (const url of [`smtp://127.0.0.1:${CANARY_PORT}`, `smtp://user:secret@localhost:${CANARY_PORT}`, `smtp://127.1:${CANARY_PORT}`, `smtp://2130706433:${CANARY_PORT}`,
      'smtp://10.0.0.5:25', 'smtps://192.168.1.10', 'smtp://169.254.169.254', 'smtp://[::1]:25', 'smtp://[fd00:ec2::254]', 'smtp://mail.internal', 'smtps://metadata.google.internal',
      `http://${MAIL_HOST}/`, 'not a url']) {
      const saving = connect(f, B, 'newsletter', { connector: 'smtp', displayName: 'Bad', credentials: { url } }, { listId });
      await expect(saving, url).rejects.toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'credentials.url' } });
      await expect(saving, url).rejects.not.toThrow(/secret/);
    }
    await expect(connect(f, B, 'newsletter', { connector: 'smtp', displayName: 'Bad', credentials: { url: 'smtp://10.1.2.3' } }, { listId }))
      .rejects.toThrow('the SMTP server is refused: Refusing to connect to smtp://10.1.2.3: 10.1.2.3 is a private network address, not a public internet address.');
    const { rows: [after] } = await f.admin.query(`select count(*)::int as n from tenants.connector_connection where tenant_id = $1`, [B]);
    expect(after.n).toBe(before.n);
    expect(canaryConnections).toBe(0);
  });

  it('refuses at connect time a name that resolves inside (DNS rebinding), and at send time a URL stored before the check', async () => {
    const delivered = catcher.transactions();
    const { connectionId } = await connect(f, B, 'newsletter', { connector: 'smtp', displayName: 'Rebound', credentials: { url: `smtp://rebound.lumiere.example:${CANARY_PORT}` } }, { listId });
    const first = await publisher.publishNow(B, await approvedItem(f, B, 'newsletter', 'Rebound', 'Texte.'));
    expect(first).toMatchObject({ status: 'failed', retryable: false, error: expect.stringContaining(`Refusing to connect to smtp://rebound.lumiere.example:${CANARY_PORT}: rebound.lumiere.example (127.0.0.1) is a loopback address`) });
    // A URL sealed straight into the row (older data, a bypassed check): the connector checks it before any I/O.
    const sealed = encryptSecret(JSON.stringify({ url: `smtp://127.0.0.1:${CANARY_PORT}` }), connectionContext(connectionId), keyringFromEnv());
    await f.admin.query(`update tenants.connector_connection set encrypted_credentials = $2, key_id = $3 where id = $1`, [connectionId, sealed.blob, sealed.keyId]);
    const second = await publisher.publishNow(B, await approvedItem(f, B, 'newsletter', 'Direct', 'Texte.'));
    expect(second).toMatchObject({ status: 'failed', retryable: false, error: expect.stringMatching(/SMTP: Refusing to connect to smtp:\/\/127\.0\.0\.1:\d+\/?: 127\.0\.0\.1 is a loopback address/) });
    expect(canaryConnections).toBe(0);
    expect(catcher.transactions()).toBe(delivered);
  });
});

describe('Twilio SMS', () => {
  it('sends one message per consenting phone with basic auth; a lost answer is reconciled, not re-sent', async () => {
    const { listId } = await listWith(f, A, 'SMS clients', [
      { phone: '+33611111111', smsConsent: true },
      { phone: '+33622222222', smsConsent: true },
      { phone: '+33633333333' },
    ]);
    await connect(f, A, 'sms', {
      connector: 'twilio', displayName: 'Twilio', externalAccountId: fakes.twilio.accountSid,
      settings: { accountSid: fakes.twilio.accountSid, from: '+33700000000' }, credentials: { secret: fakes.twilio.authToken },
    }, { listId });
    const itemId = await approvedItem(f, A, 'sms', 'Promo', 'Croissants -20 % ce matin.');
    fakes.http.hangUpNext('twilio.messages.create');
    const first = await publisher.publishNow(A, itemId);
    expect(first).toMatchObject({ status: 'failed', recipients: { sent: 1, failed: 1 } });
    if (first.status !== 'failed') throw new Error('expected a failure');
    expect(fakes.twilio.messages).toHaveLength(2);
    const second = sent(await publisher.replay(A, first.publicationId));
    expect(second.recipients).toMatchObject({ sent: 1, alreadySent: 1 });
    expect(fakes.twilio.messages.map((m) => m.to).sort()).toEqual(['+33611111111', '+33622222222']);
    const create = fakes.http.calls('twilio.messages.create')[0]!;
    expect(create.headers['authorization']).toBe(`Basic ${Buffer.from(`${fakes.twilio.accountSid}:${fakes.twilio.authToken}`).toString('base64')}`);
    expect(create.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(create.form).toMatchObject({ From: '+33700000000', Body: expect.stringContaining('Croissants') });
    expect(create.form!['Body']).toMatch(/STOP/);
    const { rows } = await f.admin.query(`select status, error, provider_message_id from content.message_send where publication_id = $1 order by to_address`, [first.publicationId]);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(rows.some((r) => /reconciled/.test(r.error ?? ''))).toBe(true);
    expect(new Set(rows.map((r) => r.provider_message_id))).toEqual(new Set(fakes.twilio.messages.map((m) => m.sid)));
  });
});

describe('Meta Graph API', () => {
  it('posts once to the Facebook page, refreshing a token the Graph API rejects (code 190)', async () => {
    const { connectionId } = await connect(f, A, 'facebook', { connector: 'meta_pages', displayName: 'Page Maison Lumière', settings: { pageId: '1029384756' }, externalAccountId: '1029384756' });
    const issued = fakes.tokens.issue('meta');
    await giveTokens(f, A, connectionId, { accessToken: issued.accessToken, expiresAt: new Date(Date.now() + 3600_000) });
    fakes.tokens.expire(issued.accessToken);
    const itemId = await approvedItem(f, A, 'facebook', 'Fournée', 'La fournée de 7 h est sortie.');
    const outcome = sent(await publisher.publishNow(A, itemId));
    const posts = fakes.meta.feeds.get('1029384756')!;
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toBe('La fournée de 7 h est sortie.');
    expect(outcome.externalId).toBe(posts[0]!.id);
    expect(fakes.tokens.refreshes('meta')).toBe(1);
    const calls = fakes.http.calls('meta.feed.post');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.headers['authorization']).toBe(`Bearer ${issued.accessToken}`);
    expect(calls[1]!.headers['authorization']).not.toBe(`Bearer ${issued.accessToken}`);
    // The refreshed token is stored sealed, never in clear.
    const { rows } = await f.admin.query(`select encrypted_access_token, revoked_at from tenants.oauth_token where connection_id = $1 order by created_at`, [connectionId]);
    expect(rows).toHaveLength(2);
    expect(rows[0].revoked_at).not.toBeNull();
    expect(Buffer.from(rows[1].encrypted_access_token).toString('latin1')).not.toContain('meta-at-');
    expect(sent(await publisher.replay(A, outcome.publicationId)).replayed).toBe(true);
    expect(fakes.meta.feeds.get('1029384756')).toHaveLength(1);
  });

  it('publishes to Instagram through a media container, and reconciles a lost answer', async () => {
    const { connectionId } = await connect(f, A, 'instagram', { connector: 'meta_pages', displayName: 'Instagram', settings: { instagramUserId: '17841400000000' } },
      { defaultImageUrl: 'https://media.example.test/vitrine.jpg' });
    await giveTokens(f, A, connectionId, { accessToken: fakes.tokens.issue('meta').accessToken });
    const itemId = await approvedItem(f, A, 'instagram', 'Vitrine', 'Notre vitrine de printemps 🌸');
    fakes.http.hangUpNext('meta.ig.publish');
    const lost = await publisher.publishNow(A, itemId);
    expect(lost.status).toBe('failed');
    if (lost.status !== 'failed') throw new Error('expected a failure');
    const found = sent(await publisher.replay(A, lost.publicationId));
    expect(found.reconciled).toBe(true);
    const media = fakes.meta.media.get('17841400000000')!;
    expect(media).toHaveLength(1);
    expect(media[0]).toMatchObject({ imageUrl: 'https://media.example.test/vitrine.jpg', text: 'Notre vitrine de printemps 🌸' });
    expect(found.externalId).toBe(media[0]!.id);
    expect(await attempts(lost.publicationId)).toEqual(['failed', 'reconciled']);
  });

  it('gives Instagram the attached image as an absolute, untagged embed URL (MEDIA_PUBLIC_BASE_URL)', async () => {
    const itemId = await approvedItem(f, A, 'instagram', 'Four', 'Le four du matin.');
    const { rows: [image] } = await f.admin.query<{ id: string }>(
      `insert into content.media (id, tenant_id, kind, filename, mime_type, size_bytes, sha256, storage, storage_key, locale)
       values (gen_random_uuid(), $1, 'image', 'four.jpg', 'image/jpeg', 10, repeat('a', 64), 'local', 'k/four.jpg', 'fr') returning id`, [A]);
    await f.admin.query(`insert into content.content_media (tenant_id, item_id, media_id, role) values ($1, $2, $3, 'hero')`, [A, itemId, image!.id]);
    sent(await publisher.publishNow(A, itemId));
    const posted = fakes.meta.media.get('17841400000000')!.at(-1)!;
    const url = new URL(posted.imageUrl ?? '');
    expect(url.origin + url.pathname).toBe(`https://media.example.test/media/${image!.id}`);
    expect([...url.searchParams.keys()].some((k) => k.startsWith('utm_'))).toBe(false);
    expect(verifyMediaUrl(image!.id, Object.fromEntries(url.searchParams))).toMatchObject({ ok: true, claims: { tenantId: A, expiresAt: null } });
    expect(posted.text).toBe('Le four du matin.');
  });
});

describe('LinkedIn', () => {
  it('posts once with LinkedIn-Version and Rest.li headers, refreshing on 401', async () => {
    const { connectionId } = await connect(f, A, 'linkedin', { connector: 'linkedin', displayName: 'Maison Lumière', settings: { authorUrn: 'urn:li:organization:5566' } });
    const issued = fakes.tokens.issue('linkedin');
    await giveTokens(f, A, connectionId, { accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: new Date(Date.now() + 3600_000) });
    fakes.tokens.expire(issued.accessToken);
    const itemId = await approvedItem(f, A, 'linkedin', 'Recrutement', 'Nous recrutons un·e boulanger·e.');
    const outcome = sent(await publisher.publishNow(A, itemId));
    expect(fakes.linkedin.posts).toHaveLength(1);
    expect(fakes.linkedin.posts[0]).toMatchObject({ author: 'urn:li:organization:5566', text: 'Nous recrutons un·e boulanger·e.' });
    expect(outcome.externalId).toBe(fakes.linkedin.posts[0]!.id);
    expect(outcome.url).toContain('linkedin.com/feed/update/');
    const calls = fakes.http.calls('linkedin.posts.create');
    expect(calls.map((c) => c.headers['linkedin-version'])).toEqual(['202505', '202505']);
    expect(calls.every((c) => c.headers['x-restli-protocol-version'] === '2.0.0')).toBe(true);
    expect(fakes.tokens.refreshes('linkedin')).toBe(1);
    // The rotated refresh token replaced the old one (the old one no longer works at the provider).
    const second = fakes.http.calls('linkedin.token');
    expect(second[0]!.form).toMatchObject({ grant_type: 'refresh_token', refresh_token: issued.refreshToken, client_id: fakes.clients.linkedin.clientId });
  });

  it('marks the connection in error when the refresh grant is refused, and says so in the log', async () => {
    const itemId = await approvedItem(f, A, 'linkedin', 'Deuxième', 'Un deuxième message.');
    const { rows: [conn] } = await f.admin.query(`select connection_id from content.channel where tenant_id = $1 and kind = 'linkedin'`, [A]);
    // Expired token, and a refresh token the provider no longer knows.
    await giveTokens(f, A, conn.connection_id, { accessToken: 'stale', refreshToken: 'linkedin-rt-unknown', expiresAt: new Date(Date.now() - 1000) });
    const outcome = await publisher.publishNow(A, itemId);
    expect(outcome).toMatchObject({ status: 'failed', error: expect.stringMatching(/refresh refused/) });
    const { rows } = await f.admin.query('select status, last_error from tenants.connector_connection where id = $1', [conn.connection_id]);
    expect(rows[0].status).toBe('error');
    expect(fakes.linkedin.posts).toHaveLength(1);
  });
});

describe('Google Business Profile', () => {
  it('creates one local post, refreshing an expired token first', async () => {
    const { connectionId } = await connect(f, A, 'google_business', { connector: 'google_business', displayName: 'Fiche', settings: { locationName: 'accounts/111/locations/222' } });
    const old = fakes.tokens.issue('google');
    await giveTokens(f, A, connectionId, { accessToken: old.accessToken, refreshToken: old.refreshToken, expiresAt: new Date(Date.now() - 60_000) });
    const itemId = await approvedItem(f, A, 'google_business', 'Horaires', 'Ouvert le dimanche matin.');
    const outcome = sent(await publisher.publishNow(A, itemId));
    const posts = fakes.googleBusiness.posts.get('accounts/111/locations/222')!;
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toMatchObject({ languageCode: 'fr', summary: 'Ouvert le dimanche matin.', topicType: 'STANDARD' });
    expect(outcome.externalId).toBe(posts[0]!.id);
    expect(fakes.tokens.refreshes('google')).toBe(1);
    // The expired token was never shown to the provider.
    expect(fakes.http.calls('gbp.localPosts.create').map((c) => c.headers['authorization'])).not.toContain(`Bearer ${old.accessToken}`);
  });
});

describe('channels without a connection', () => {
  it('leave the item alone (no_connector) and write nothing', async () => {
    const itemId = await approvedItem(f, A, 'x', 'Tweet', 'Bonjour.');
    expect(await publisher.publishNow(A, itemId)).toEqual({ status: 'no_connector', channel: 'x' });
    const { rows } = await f.admin.query('select count(*)::int as n from content.publication where item_id = $1', [itemId]);
    expect(rows[0].n).toBe(0);
  });
});
