// The publishing connectors of one process, built from its endpoints.
import type { SafeFetch } from '@ensemble/ingest/safe-fetch';
import type { Connector, ConnectorCode } from './connector.ts';
import { endpointsFromEnv, type ProviderEndpoints } from './endpoints.ts';
import { googleBusinessConnector } from './google-business.connector.ts';
import { linkedinConnector } from './linkedin.connector.ts';
import { metaConnector } from './meta.connector.ts';
import { smtpConnector } from './smtp.connector.ts';
import { twilioConnector } from './twilio.connector.ts';
import { webhookConnector } from './webhook.connector.ts';

export interface ConnectorRegistry {
  endpoints: ProviderEndpoints;
  get(code: ConnectorCode): Connector | null;
  /** closes pooled connections (SMTP) */
  close(): void;
}

export interface RegistryOptions {
  now?: () => Date;
  /** how client-given URLs (webhooks) are reached: the SSRF-safe fetcher, or a test's instance of it */
  safeFetch?: SafeFetch;
}

export function createConnectorRegistry(endpoints: ProviderEndpoints = endpointsFromEnv(), options: RegistryOptions = {}): ConnectorRegistry {
  const smtp = smtpConnector(endpoints);
  const connectors = new Map<ConnectorCode, Connector>([
    ['smtp', smtp],
    ['twilio', twilioConnector(endpoints)],
    ['meta_pages', metaConnector(endpoints)],
    ['linkedin', linkedinConnector(endpoints)],
    ['google_business', googleBusinessConnector(endpoints)],
    ['webhook', webhookConnector({ ...(options.now ? { now: options.now } : {}), ...(options.safeFetch ? { fetch: options.safeFetch } : {}) })],
  ]);
  return {
    endpoints,
    get: (code) => connectors.get(code) ?? null,
    close: () => smtp.close(),
  };
}
