import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * T12/A3/A9/C8: connectors. The catalogue is platform data readable by all;
 * an app's OAuth client secret is platform-only; a tenant's connection and
 * its tokens are tenant-owned, secrets encrypted (bytea, AES-GCM, key_id).
 */
export const Connector = defineEntity({
  name: 'Connector',
  tableName: 'tenants.connector',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    code: p.text(),
    kind: p.enum(['publishing', 'analytics', 'ads', 'crm', 'email', 'sms', 'payments', 'pos', 'ecommerce', 'reviews', 'storage'] as const),
    name: p.text(),
    auth: p.enum(['oauth2', 'api_key', 'basic', 'smtp', 'none'] as const),
    settingsSchema: p.json<Record<string, unknown>>().onCreate(() => ({})),
    oauthAuthorizeUrl: p.text().nullable(),
    oauthTokenUrl: p.text().nullable(),
    oauthScopes: p.array().columnType('text[]').onCreate(() => []),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ConnectorRow = InstanceType<typeof Connector.class>;

/** T12: a connector app's OAuth client secret, encrypted; platform scope only. */
export const ConnectorSecret = defineEntity({
  name: 'ConnectorSecret',
  tableName: 'tenants.connector_secret',
  properties: {
    connectorId: p.uuid().primary(),
    clientId: p.text(),
    encryptedClientSecret: p.blob().hidden(),
    keyId: p.text(),
    rotatedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ConnectorSecretRow = InstanceType<typeof ConnectorSecret.class>;

/** T12/A3/A9/C8: a tenant's connected account on a connector; credentials encrypted (bytea). */
export const ConnectorConnection = defineEntity({
  name: 'ConnectorConnection',
  tableName: 'tenants.connector_connection',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    connectorId: p.uuid(),
    displayName: p.text(),
    externalAccountId: p.text().nullable(),
    status: p.enum(['pending', 'active', 'error', 'revoked'] as const).default('active'),
    settings: p.json<Record<string, unknown>>().onCreate(() => ({})),
    encryptedCredentials: p.blob().nullable().hidden(),
    keyId: p.text().nullable(),
    lastError: p.text().nullable(),
    lastUsedAt: p.datetime().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type ConnectorConnectionRow = InstanceType<typeof ConnectorConnection.class>;

/** T12: OAuth tokens of a connection, encrypted; the newest unrevoked row is current. */
export const OauthToken = defineEntity({
  name: 'OauthToken',
  tableName: 'tenants.oauth_token',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    connectionId: p.uuid(),
    encryptedAccessToken: p.blob().hidden(),
    encryptedRefreshToken: p.blob().nullable().hidden(),
    keyId: p.text(),
    scopes: p.array().columnType('text[]').onCreate(() => []),
    expiresAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    revokedAt: p.datetime().nullable(),
  },
});
export type OauthTokenRow = InstanceType<typeof OauthToken.class>;

/**
 * T12: OAuth authorisation in flight. The provider's callback carries only the
 * state, before any tenant is known: the hash is globally unique and read
 * through app.oauth_state().
 */
export const OauthState = defineEntity({
  name: 'OauthState',
  tableName: 'tenants.oauth_state',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    connectorId: p.uuid(),
    stateHash: p.text().hidden(),
    codeVerifier: p.text().hidden(),
    redirectUri: p.text(),
    createdBy: p.uuid().nullable(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type OauthStateRow = InstanceType<typeof OauthState.class>;
