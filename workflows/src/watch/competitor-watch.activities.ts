// C11 / W4: the activities behind competitor watch, built by a factory with
// their dependencies injected (ORM, the SSRF-safe fetcher, the SMTP
// connector, the clock). The work itself lives in the content subgraph's
// watch services; each tenant's data is read and written inside withTenant.
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant, withoutTenant, type EntityManager } from '@ensemble/db/orm';
import type { SafeFetch } from '@ensemble/ingest/safe-fetch';
import { isAppError } from '@ensemble/tenancy/errors';
import type { Connector } from '@ensemble/subgraph-content/connectors/connector';
import { endpointsFromEnv } from '@ensemble/subgraph-content/connectors/endpoints';
import { smtpConnector } from '@ensemble/subgraph-content/connectors/smtp.connector';
import { captureSource, dueSources, type DueSource, type TenantRunner } from '@ensemble/subgraph-content/watch/watch-capture.service';
import { emailPendingAlerts, tenantsWithPendingAlerts } from '@ensemble/subgraph-content/watch/watch-alert-email.service';
import { fetcherFromEnv } from '@ensemble/subgraph-content/egress/test-routes';
import { SWEEP_MAX_SOURCES, type AlertMailResult, type CaptureRequest, type CaptureResult } from '@ensemble/workflow-contracts/watch';

export interface WatchActivityDeps {
  orm: MikroORM;
  /** default: safeFetch (or the test routes of ENSEMBLE_TEST_FETCH_ROUTES under NODE_ENV=test) */
  fetch?: SafeFetch;
  /** default: the SMTP connector on SMTP_URL */
  smtp?: Connector;
  /** default: PUBLIC_WEB_URL */
  publicWebUrl?: string;
  now?: () => Date;
}

/** Runs fn for every platform root, whose scope is every tenant (the sweep's cross-tenant reads). */
async function acrossTenants<T>(orm: MikroORM, fn: (em: EntityManager) => Promise<T[]>): Promise<T[]> {
  const roots = await withoutTenant(orm, (em) => em.execute<Array<{ id: string }>>('select id from app.platform_tenants() as id'));
  const out: T[] = [];
  for (const { id } of roots) out.push(...await withTenant(orm, id, null, ({ em }) => fn(em)));
  return out;
}

export function createWatchActivities(deps: WatchActivityDeps) {
  const now = deps.now ?? (() => new Date());
  // Built now, so a misconfiguration (test routes outside NODE_ENV=test) stops the worker at start.
  const fetcher = deps.fetch ?? fetcherFromEnv();
  const smtp = deps.smtp ?? smtpConnector(endpointsFromEnv());
  const runAs = (tenantId: string): TenantRunner => (fn) => withTenant(deps.orm, tenantId, null, ({ em }) => fn(em));
  return {
    /** Active sources whose interval has passed, every tenant, least recently fetched first. */
    async listDueCompetitorSources(): Promise<DueSource[]> {
      const due = await acrossTenants(deps.orm, (em) => dueSources(em, now(), SWEEP_MAX_SOURCES));
      return due.slice(0, SWEEP_MAX_SOURCES);
    },

    /** One capture; a source removed meanwhile is "gone", not an error. */
    async captureCompetitorSource(request: CaptureRequest): Promise<CaptureResult> {
      try {
        return await captureSource(runAs(request.tenantId), request.sourceId, { fetch: fetcher, now });
      } catch (error) {
        if (isAppError(error) && error.code === 'NOT_FOUND') {
          return { tenantId: request.tenantId, sourceId: request.sourceId, status: 'gone', captureId: null, alertIds: [], error: null };
        }
        throw error;
      }
    },

    /** E-mails alerts not yet e-mailed: of these tenants, or of every tenant that has some. */
    async emailCompetitorAlerts(tenantIds: string[] | null): Promise<AlertMailResult & { tenants: number }> {
      const tenants = tenantIds ?? [...new Set(await acrossTenants(deps.orm, (em) => tenantsWithPendingAlerts(em)))];
      const total = { alerts: 0, sent: 0, failed: 0, skipped: 0, tenants: tenants.length };
      for (const tenantId of tenants) {
        const result = await emailPendingAlerts(runAs(tenantId), tenantId, { smtp, publicWebUrl: deps.publicWebUrl ?? endpointsFromEnv().publicWebUrl, now });
        total.alerts += result.alerts;
        total.sent += result.sent;
        total.failed += result.failed;
        total.skipped += result.skipped;
      }
      return total;
    },
  };
}

export type WatchActivities = ReturnType<typeof createWatchActivities>;
