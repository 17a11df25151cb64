// The publishing connectors of one process, built from its endpoints.
import { createSafeFetcher, type SafeFetcherDeps } from '@ensemble/ingest/safe-fetch';
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
  /**
   * How client-given destinations (webhook URLs, a client's SMTP server) are
   * reached: default, the SSRF policy over system DNS. Tests give a resolver
   * and a dialler (the policy still runs on what the resolver answers).
   */
  egress?: SafeFetcherDeps;
}

export function createConnectorRegistry(endpoints: ProviderEndpoints = endpointsFromEnv(), options: RegistryOptions = {}): ConnectorRegistry {
  const smtp = smtpConnector(endpoints, options.egress ? { egress: options.egress } : {});
  const connectors = new Map<ConnectorCode, Connector>([
    ['smtp', smtp],
    ['twilio', twilioConnector(endpoints)],
    ['meta_pages', metaConnector(endpoints)],
    ['linkedin', linkedinConnector(endpoints)],
    ['google_business', googleBusinessConnector(endpoints)],
    ['webhook', webhookConnector({ ...(options.now ? { now: options.now } : {}), ...(options.egress ? { fetch: createSafeFetcher(options.egress) } : {}) })],
  ]);
  return {
    endpoints,
    get: (code) => connectors.get(code) ?? null,
    close: () => smtp.close(),
  };
}
