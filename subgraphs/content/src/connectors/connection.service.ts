// A client's connected accounts (tenants.connector_connection) as the
// publication service needs them: connector code, settings, and decrypted
// credentials. Secrets are sealed with the platform's envelope encryption
// (packages/ai/src/secrets.ts), each bound to its row by the context, so a
// blob copied to another row or tenant does not open.
import { decryptSecret, encryptSecret, keyringFromEnv, type Keyring } from '@ensemble/ai/secrets';
import type { EntityManager } from '@ensemble/db/orm';
import { parsePublicUrl } from '@ensemble/ingest/safe-fetch';
import { publicSmtpUrl } from './smtp.connector.ts';
import { badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid, newId } from '@ensemble/tenancy/ids';
import { sql } from '../pipeline/sql.ts';
import type { ChannelKind } from '../planning/slot-plan.ts';
import type { ConnectorCode, Credentials } from './connector.ts';
import { generateWebhookSecret } from './standard-webhooks.ts';

export const PUBLISHING_CONNECTORS: readonly ConnectorCode[] = ['smtp', 'twilio', 'meta_pages', 'linkedin', 'google_business', 'webhook'];

export function connectionContext(connectionId: string): string {
  return `connector_connection:${connectionId}`;
}

export function oauthTokenContext(tokenId: string, part: 'access' | 'refresh'): string {
  return `oauth_token:${tokenId}:${part}`;
}

/** The context a connector app's OAuth client secret is sealed with (tenants.connector_secret). */
export function connectorSecretContext(connectorId: string): string {
  return `connector_secret:${connectorId}`;
}

export interface ChannelConnection {
  channelId: string;
  channelKind: ChannelKind;
  channelName: string;
  channelSettings: Record<string, unknown>;
  connectionId: string;
  connectorId: string;
  connector: ConnectorCode;
  displayName: string;
  externalAccountId: string | null;
  /** the channel's settings over the connection's (a channel may narrow, e.g. its list) */
  settings: Record<string, unknown>;
  hasCredentials: boolean;
  status: 'pending' | 'active' | 'error' | 'revoked';
}

interface ConnectionRow {
  channel_id: string;
  channel_kind: ChannelKind;
  channel_name: string;
  channel_settings: Record<string, unknown>;
  connection_id: string;
  connector_id: string;
  code: string;
  display_name: string;
  external_account_id: string | null;
  settings: Record<string, unknown>;
  has_credentials: boolean;
  status: ChannelConnection['status'];
}

function toConnection(r: ConnectionRow): ChannelConnection {
  return {
    channelId: r.channel_id,
    channelKind: r.channel_kind,
    channelName: r.channel_name,
    channelSettings: r.channel_settings ?? {},
    connectionId: r.connection_id,
    connectorId: r.connector_id,
    connector: r.code as ConnectorCode,
    displayName: r.display_name,
    externalAccountId: r.external_account_id,
    settings: { ...r.settings, ...r.channel_settings },
    hasCredentials: r.has_credentials,
    status: r.status,
  };
}

const SELECT_CONNECTION = `
  select ch.id as channel_id, ch.kind as channel_kind, ch.name as channel_name, ch.settings as channel_settings,
         c.id as connection_id, c.connector_id, k.code, c.display_name, c.external_account_id, c.settings,
         c.encrypted_credentials is not null as has_credentials, c.status
    from content.channel ch
    join tenants.connector_connection c on c.tenant_id = ch.tenant_id and c.id = ch.connection_id
    join tenants.connector k on k.id = c.connector_id`;

/**
 * The active, connected channel of this kind, if the client has one. Several
 * channels of one kind: the first by name (a client posts to one page per kind).
 */
export async function connectedChannel(em: EntityManager, kind: ChannelKind): Promise<ChannelConnection | null> {
  const [row] = await sql<ConnectionRow>(em, `${SELECT_CONNECTION}
     where ch.kind = ? and ch.active and c.status = 'active' and k.active
     order by ch.name limit 1`, [kind]);
  return row ? toConnection(row) : null;
}

export async function connectedChannels(em: EntityManager): Promise<ChannelConnection[]> {
  const rows = await sql<ConnectionRow>(em, `${SELECT_CONNECTION} where ch.active order by ch.kind, ch.name`);
  return rows.map(toConnection);
}

let cachedKeyring: { env: string | undefined; keyring: Keyring } | null = null;
function keyring(): Keyring {
  const env = process.env['ENSEMBLE_MASTER_KEY'];
  if (!cachedKeyring || cachedKeyring.env !== env) cachedKeyring = { env, keyring: keyringFromEnv() };
  return cachedKeyring.keyring;
}

/** The connection's secrets, opened (empty when it has none: e.g. SMTP through the platform relay). */
export async function connectionCredentials(em: EntityManager, connectionId: string): Promise<Credentials> {
  const [row] = await sql<{ encrypted_credentials: Buffer | null; key_id: string | null }>(em,
    `select encrypted_credentials, key_id from tenants.connector_connection where id = ?`, [connectionId]);
  if (!row) throw notFound('Connection');
  if (!row.encrypted_credentials || !row.key_id) return {};
  const json = decryptSecret({ blob: Buffer.from(row.encrypted_credentials), keyId: row.key_id }, connectionContext(connectionId), keyring());
  return JSON.parse(json) as Credentials;
}

export interface ConnectionInput {
  tenantId: string;
  connector: ConnectorCode;
  displayName: string;
  externalAccountId?: string | null;
  settings?: Record<string, unknown>;
  /** sealed before storage; omit for connections that need none */
  credentials?: Credentials | null;
  createdBy?: string | null;
}

const E164 = /^\+[1-9]\d{6,14}$/;

const SETTINGS_REQUIRED: Partial<Record<ConnectorCode, string[]>> = {
  twilio: ['accountSid', 'from'],
  linkedin: ['authorUrn'],
  google_business: ['locationName'],
  webhook: ['url'],
};

/** Names a refused value after the caller's own input (connectChannel's fields), or as stored ('settings.url'). */
export type FieldName = (stored: string) => string;

/** The connection's settings and credentials, checked and normalised; refused with the field at fault. */
function checkedConnection(input: ConnectionInput, field: FieldName): { settings: Record<string, unknown>; credentials: Credentials | null | undefined } {
  if (!PUBLISHING_CONNECTORS.includes(input.connector)) throw badInput(`unknown publishing connector ${input.connector}`, 'connector');
  const settings = { ...input.settings };
  for (const name of SETTINGS_REQUIRED[input.connector] ?? []) {
    if (typeof settings[name] !== 'string' || !(settings[name] as string).trim()) throw badInput(`the ${input.connector} connection needs "${name}"`, field(`settings.${name}`));
  }
  if (input.connector === 'twilio' && !E164.test(String(settings['from']))) throw badInput('the sending number must be in E.164 form (+33612345678)', field('settings.from'));
  if (input.connector === 'webhook') settings['url'] = publicWebhookUrl(settings['url'], field('settings.url'));
  const credentials = input.connector === 'smtp' && input.credentials?.url !== undefined
    ? { ...input.credentials, url: clientSmtpUrl(input.credentials.url, field('credentials.url')) }
    : input.credentials;
  return { settings, credentials };
}

function seal(credentials: Credentials | null | undefined, connectionId: string) {
  return credentials && Object.keys(credentials).length ? encryptSecret(JSON.stringify(credentials), connectionContext(connectionId), keyring()) : null;
}

/**
 * Creates a connection (credentials sealed) and returns its id. An account
 * the client has connected before (same connector and external id, e.g. a
 * Twilio account SID) is renewed instead: new name, settings and
 * credentials, active again, same id.
 */
export async function createConnection(em: EntityManager, input: ConnectionInput, field: FieldName = (stored) => stored): Promise<string> {
  const { settings, credentials } = checkedConnection(input, field);
  const [connector] = await sql<{ id: string }>(em, `select id from tenants.connector where code = ? and active`, [input.connector]);
  if (!connector) throw badInput(`connector ${input.connector} is not available`, 'connector');
  const [known] = input.externalAccountId
    ? await sql<{ id: string }>(em, `select id from tenants.connector_connection where tenant_id = ? and connector_id = ? and external_account_id = ? for update`,
      [input.tenantId, connector.id, input.externalAccountId])
    : [];
  if (known) {
    const sealed = seal(credentials, known.id);
    await sql(em,
      `update tenants.connector_connection set display_name = ?, status = 'active', settings = ?::jsonb, encrypted_credentials = ?, key_id = ? where id = ?`,
      [input.displayName, JSON.stringify(settings), sealed?.blob ?? null, sealed?.keyId ?? null, known.id]);
    return known.id;
  }
  const id = newId();
  const sealed = seal(credentials, id);
  await sql(em,
    `insert into tenants.connector_connection (id, tenant_id, connector_id, display_name, external_account_id, status, settings, encrypted_credentials, key_id, created_by)
     values (?, ?, ?, ?, ?, 'active', ?::jsonb, ?, ?, ?)`,
    [id, input.tenantId, connector.id, input.displayName, input.externalAccountId ?? null, JSON.stringify(settings),
      sealed?.blob ?? null, sealed?.keyId ?? null, input.createdBy ?? null]);
  return id;
}

/**
 * A webhook URL a client gives: public http(s) only (no private, loopback or
 * metadata address, no credentials, no odd port), normalised. The connector
 * checks it again when it sends, and every DNS answer when it connects.
 */
export function publicWebhookUrl(value: unknown, field = 'settings.url'): string {
  try {
    return parsePublicUrl(String(value)).href;
  } catch (error) {
    throw badInput(`the webhook URL is refused: ${(error as Error).message}`, field);
  }
}

/**
 * A client's own SMTP server: smtp(s):// to a public host, the webhooks' SSRF
 * policy. The connector checks it again when it sends, and every DNS answer
 * when it connects.
 */
export function clientSmtpUrl(value: unknown, field = 'credentials.url'): string {
  try {
    return publicSmtpUrl(String(value));
  } catch (error) {
    throw badInput(`the SMTP server is refused: ${(error as Error).message}`, field);
  }
}

/** The accounts a client connects with a form (OAuth networks are connected through their apps). */
export const FORM_CONNECTORS = ['smtp', 'twilio', 'webhook'] as const satisfies readonly ConnectorCode[];
export type FormConnector = (typeof FORM_CONNECTORS)[number];

export interface ConnectChannelInput {
  channelId: string;
  connector: FormConnector;
  displayName: string;
  /** SMTP: the client's own server, smtp(s)://user:password@host:port (none: the platform's relay); webhook: the endpoint */
  url?: string | null;
  /** SMTP: the From address; Twilio: the sending number (E.164) */
  from?: string | null;
  accountSid?: string | null;
  authToken?: string | null;
  /** the channel kinds the connector publishes (its registry entry) */
  publishes: readonly ChannelKind[];
  createdBy?: string | null;
}

const text = (value: string | null | undefined) => (typeof value === 'string' ? value.trim() : '');
/** Where connectChannel's input lands in the stored connection: a refusal names the input field. */
const FORM_FIELDS: FieldName = (stored) => ({ 'settings.url': 'url', 'credentials.url': 'url', 'settings.from': 'from', 'settings.accountSid': 'accountSid' })[stored] ?? stored;
const MAILBOX = /^(?:[^<>]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)$/;

/**
 * Connects one of the client's channels to a new account (replacing the one
 * it had, which is revoked when no other channel uses it). Everything is
 * checked before anything is written, and it all happens in the caller's
 * transaction. Answers the webhook's signing secret: shown this once, it is
 * stored sealed and never returned again.
 */
export async function connectChannel(em: EntityManager, input: ConnectChannelInput): Promise<{ connectionId: string; signingSecret: string | null }> {
  if (!isUuid(input.channelId)) throw notFound('Channel');
  const [channel] = await sql<{ id: string; tenant_id: string; kind: ChannelKind; connection_id: string | null }>(em,
    `select id, tenant_id, kind, connection_id from content.channel where id = ? and active for update`, [input.channelId]);
  if (!channel) throw notFound('Channel');
  if (!input.publishes.includes(channel.kind)) throw badInput(`${input.connector} does not publish ${channel.kind.replace('_', ' ')}`, 'connector');
  const displayName = text(input.displayName);
  if (!displayName || displayName.length > 80) throw badInput('Give the account a name of at most 80 characters', 'displayName');
  const from = text(input.from);
  let connection: Omit<ConnectionInput, 'tenantId' | 'displayName'>;
  let signingSecret: string | null = null;
  switch (input.connector) {
    case 'smtp': {
      const url = text(input.url);
      if (from && !MAILBOX.test(from)) throw badInput('The sender must be an address, optionally with a name: Maison Lumière <lettre@maison-lumiere.fr>', 'from');
      if (url && !from) throw badInput('Your own server needs the sender address it accepts', 'from');
      connection = { connector: 'smtp', settings: from ? { from } : {}, credentials: url ? { url } : null };
      break;
    }
    case 'twilio': {
      const accountSid = text(input.accountSid);
      if (!/^AC[0-9a-f]{32}$/i.test(accountSid)) throw badInput('A Twilio account SID is AC followed by 32 hexadecimal characters', 'accountSid');
      const authToken = text(input.authToken);
      if (authToken.length < 16) throw badInput('Paste the account\'s auth token (Twilio console, Account info)', 'authToken');
      connection = { connector: 'twilio', externalAccountId: accountSid, settings: { accountSid, from }, credentials: { secret: authToken } };
      break;
    }
    case 'webhook':
      signingSecret = generateWebhookSecret();
      connection = { connector: 'webhook', settings: { url: text(input.url) }, credentials: { secret: signingSecret } };
      break;
  }
  // The channel's own client owns the account (a distributor working in a client's scope connects it for the client).
  // Settings and credentials are checked there, before anything is written.
  const connectionId = await createConnection(em, { ...connection, tenantId: channel.tenant_id, displayName, createdBy: input.createdBy ?? null }, FORM_FIELDS);
  await attachChannel(em, channel.id, connectionId);
  // The account it had (unless the same one, renewed) is revoked when nothing else uses it.
  if (channel.connection_id) await revokeUnused(em, channel.connection_id);
  return { connectionId, signingSecret };
}

/** Detaches the channel from its account (its items then stay scheduled); the account is revoked when no channel uses it. */
export async function disconnectChannel(em: EntityManager, channelId: string): Promise<void> {
  if (!isUuid(channelId)) throw notFound('Channel');
  const [channel] = await sql<{ connection_id: string | null }>(em, `select connection_id from content.channel where id = ? for update`, [channelId]);
  if (!channel) throw notFound('Channel');
  if (!channel.connection_id) return;
  await sql(em, `update content.channel set connection_id = null where id = ?`, [channelId]);
  await revokeUnused(em, channel.connection_id);
}

async function revokeUnused(em: EntityManager, connectionId: string): Promise<void> {
  await sql(em,
    `update tenants.connector_connection set status = 'revoked' where id = ? and not exists (select 1 from content.channel where connection_id = ?)`,
    [connectionId, connectionId]);
}

/** Points a channel at a connection, with channel-level settings (e.g. the newsletter's list). */
export async function attachChannel(em: EntityManager, channelId: string, connectionId: string, settings: Record<string, unknown> = {}): Promise<void> {
  if (!isUuid(channelId) || !isUuid(connectionId)) throw notFound('Channel');
  // Channel settings override the connection's: a URL given here is the one a webhook will call.
  if ('url' in settings) settings = { ...settings, url: publicWebhookUrl(settings['url']) };
  const rows = await sql(em,
    `update content.channel set connection_id = ?, settings = settings || ?::jsonb where id = ? returning id`,
    [connectionId, JSON.stringify(settings), channelId]);
  if (!rows.length) throw notFound('Channel');
}

export interface OauthTokenInput {
  tenantId: string;
  connectionId: string;
  accessToken: string;
  refreshToken?: string | null;
  expiresAt?: Date | null;
  scopes?: string[];
}

/** Stores a new current token (sealed) for a connection; older ones are revoked. */
export async function storeOauthToken(em: EntityManager, input: OauthTokenInput): Promise<string> {
  const id = newId();
  const ring = keyring();
  const access = encryptSecret(input.accessToken, oauthTokenContext(id, 'access'), ring);
  const refresh = input.refreshToken ? encryptSecret(input.refreshToken, oauthTokenContext(id, 'refresh'), ring) : null;
  // Both sealed under the same current master key.
  await sql(em, `update tenants.oauth_token set revoked_at = now() where connection_id = ? and revoked_at is null`, [input.connectionId]);
  await sql(em,
    `insert into tenants.oauth_token (id, tenant_id, connection_id, encrypted_access_token, encrypted_refresh_token, key_id, scopes, expires_at)
     values (?, ?, ?, ?, ?, ?, array(select jsonb_array_elements_text(?::jsonb)), ?)`,
    [id, input.tenantId, input.connectionId, access.blob, refresh?.blob ?? null, access.keyId, JSON.stringify(input.scopes ?? []), input.expiresAt ?? null]);
  return id;
}

export interface CurrentToken {
  id: string;
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
}

export async function currentOauthToken(em: EntityManager, connectionId: string): Promise<CurrentToken | null> {
  const [row] = await sql<{ id: string; encrypted_access_token: Buffer; encrypted_refresh_token: Buffer | null; key_id: string; expires_at: string | Date | null }>(em,
    `select id, encrypted_access_token, encrypted_refresh_token, key_id, expires_at from tenants.oauth_token
      where connection_id = ? and revoked_at is null order by created_at desc, id desc limit 1`, [connectionId]);
  if (!row) return null;
  const ring = keyring();
  return {
    id: row.id,
    accessToken: decryptSecret({ blob: Buffer.from(row.encrypted_access_token), keyId: row.key_id }, oauthTokenContext(row.id, 'access'), ring),
    refreshToken: row.encrypted_refresh_token
      ? decryptSecret({ blob: Buffer.from(row.encrypted_refresh_token), keyId: row.key_id }, oauthTokenContext(row.id, 'refresh'), ring)
      : null,
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
  };
}

export interface OauthClient {
  clientId: string;
  clientSecret: string;
  tokenUrl: string | null;
}

/** The connector app's client id and secret, for a connection of the caller's own scope. */
export async function oauthClientFor(em: EntityManager, connectionId: string, connectorId: string): Promise<OauthClient | null> {
  const [row] = await sql<{ client_id: string; encrypted_client_secret: Buffer; key_id: string; token_url: string | null }>(em,
    `select * from app.connection_oauth_client(?)`, [connectionId]);
  if (!row) return null;
  return {
    clientId: row.client_id,
    clientSecret: decryptSecret({ blob: Buffer.from(row.encrypted_client_secret), keyId: row.key_id }, connectorSecretContext(connectorId), keyring()),
    tokenUrl: row.token_url,
  };
}
