// C11: alerts by e-mail to the client's administrators (members whose role
// holds users:manage), through the SMTP connector (SMTP_URL; the local mail
// catcher under `npm start` and in tests).
//
// Once per alert and person: the row (alert, recipient) is claimed under the
// key competitor-alert:<alertId>:to:<userId> before the SMTP call and marked
// sent after it. A sent or refused row is never sent again; a row left
// "sending" by a crash is taken again after CLAIM_LEASE, with the same
// Message-ID (derived from the key), which receivers that deduplicate by
// Message-ID (the catcher, Gmail) show once. That window is one SMTP reply.
// An alert is marked e-mailed once every administrator's row is settled.
import type { EntityManager } from '@ensemble/db/orm';
import { newId } from '@ensemble/tenancy/ids';
import { isProviderError, type Connector, type PublishRequest } from '../connectors/connector.ts';
import { sql, toDate } from '../pipeline/sql.ts';
import type { TenantRunner } from './watch-capture.service.ts';

export interface AlertMailDeps {
  /** the SMTP connector (connectors/smtp.connector.ts) */
  smtp: Connector;
  /** the web app's origin, for the link to the alert */
  publicWebUrl: string;
  now: () => Date;
}

export interface AlertMailResult {
  alerts: number;
  sent: number;
  failed: number;
  /** recipients already sent (or being sent by another worker) */
  skipped: number;
}

/** A claim older than this is taken to be a crashed sender's. */
export const CLAIM_LEASE_SECONDS = 120;
const BATCH = 50;

export function alertEmailKey(alertId: string, userId: string): string {
  return `competitor-alert:${alertId}:to:${userId}`;
}

interface PendingAlert {
  id: string;
  kind: string;
  severity: string;
  summary: string;
  createdAt: Date;
  competitorName: string;
  sourceUrl: string;
}

interface Admin {
  id: string;
  email: string;
  displayName: string;
  locale: string;
}

async function pendingAlerts(em: EntityManager, tenantId: string): Promise<PendingAlert[]> {
  const rows = await sql(em,
    `select a.id, a.kind, a.severity, a.summary, a.created_at, c.name as competitor_name, s.url as source_url
       from content.competitor_alert a
       join content.competitor_source s on s.tenant_id = a.tenant_id and s.id = a.source_id
       join content.competitor c on c.tenant_id = s.tenant_id and c.id = s.competitor_id
      where a.tenant_id = ? and a.emailed_at is null order by a.created_at, a.id limit ?`, [tenantId, BATCH]);
  return rows.map((r) => ({
    id: r.id as string, kind: r.kind as string, severity: r.severity as string, summary: r.summary as string,
    createdAt: toDate(r.created_at), competitorName: r.competitor_name as string, sourceUrl: r.source_url as string,
  }));
}

/** The client's administrators: active members whose role may manage users (app.tenant_admin_recipients, scope-checked). */
export async function clientAdmins(em: EntityManager, tenantId: string): Promise<Admin[]> {
  const rows = await sql(em, 'select user_id, email, display_name, locale from app.tenant_admin_recipients(?::uuid) order by email', [tenantId]);
  return rows.map((r) => ({ id: r.user_id as string, email: r.email as string, displayName: r.display_name as string, locale: (r.locale as string) || 'en' }));
}

const LABELS = {
  en: { prefix: 'Competitor watch', source: 'Source:', detected: 'Detected', open: 'Open the alert in Ensemble', brand: (t: string) => `${t} competitor watch` },
  fr: { prefix: 'Veille concurrentielle', source: 'Source :', detected: 'Détecté le', open: 'Voir l’alerte dans Ensemble', brand: (t: string) => `la veille concurrentielle de ${t}` },
};

export function alertEmail(alert: PendingAlert, admin: Admin, tenantName: string, publicWebUrl: string): { subject: string; body: string; brandName: string } {
  const words = admin.locale.startsWith('fr') ? LABELS.fr : LABELS.en;
  const when = alert.createdAt.toISOString().replace('T', ' ').slice(0, 16);
  const link = `${publicWebUrl}/competitors?alert=${alert.id}`;
  // The subject is the e-mail's heading. The competitor's address is code, not a
  // link: it is not ours to tag with UTM parameters or to track.
  const body = [`${words.source} ${alert.competitorName} — \`${alert.sourceUrl.replace(/`/g, '')}\``, '', `${words.detected} ${when} UTC`, '', `[${words.open}](${link})`].join('\n');
  return { subject: `[${words.prefix}] ${alert.summary}`.slice(0, 250), body, brandName: words.brand(tenantName) };
}

/** Claims (alert, recipient); false when it is sent, refused for good, or being sent by someone else. */
async function claim(em: EntityManager, tenantId: string, alertId: string, admin: Admin, key: string): Promise<boolean> {
  const rows = await sql(em,
    `insert into content.competitor_alert_email as e (id, tenant_id, alert_id, user_id, address, idempotency_key)
     values (?, ?, ?, ?, ?, ?)
     on conflict (tenant_id, idempotency_key) do update set attempts = e.attempts + 1, claimed_at = now(), error = null
       where e.status = 'sending' and e.claimed_at < now() - make_interval(secs => ?)
     returning id`,
    [newId(), tenantId, alertId, admin.id, admin.email, key, CLAIM_LEASE_SECONDS]);
  return rows.length > 0;
}

async function settleAlert(em: EntityManager, alertId: string, recipients: readonly Admin[], now: Date): Promise<boolean> {
  const [row] = await sql<{ open: string }>(em,
    `select count(*) as open from jsonb_array_elements_text(?::jsonb) r(user_id)
      where not exists (select 1 from content.competitor_alert_email e
                         where e.alert_id = ? and e.user_id = r.user_id::uuid and e.status in ('sent', 'failed'))`,
    [JSON.stringify(recipients.map((r) => r.id)), alertId]);
  if (Number(row?.open ?? 1) > 0) return false;
  await sql(em, 'update content.competitor_alert set emailed_at = coalesce(emailed_at, ?) where id = ?', [now.toISOString(), alertId]);
  return true;
}

/** E-mails the tenant's alerts not yet e-mailed, oldest first, at most BATCH per call. */
export async function emailPendingAlerts(run: TenantRunner, tenantId: string, deps: AlertMailDeps): Promise<AlertMailResult> {
  const { alerts, admins, tenantName } = await run(async (em) => {
    const [tenant] = await sql<{ name: string }>(em, 'select name from tenants.tenant where id = ?', [tenantId]);
    return { alerts: await pendingAlerts(em, tenantId), admins: await clientAdmins(em, tenantId), tenantName: tenant?.name ?? 'Ensemble' };
  });
  const result: AlertMailResult = { alerts: alerts.length, sent: 0, failed: 0, skipped: 0 };
  for (const alert of alerts) {
    for (const admin of admins) {
      const key = alertEmailKey(alert.id, admin.id);
      if (!(await run((em) => claim(em, tenantId, alert.id, admin, key)))) {
        result.skipped += 1;
        continue;
      }
      const mail = alertEmail(alert, admin, tenantName, deps.publicWebUrl);
      const request: PublishRequest = {
        tenantId,
        item: { id: alert.id, channel: 'email', title: mail.subject, body: mail.body, locale: admin.locale, slug: 'competitor-alert', metaDescription: null, imageUrl: null, link: null },
        version: 1,
        channel: 'email',
        idempotencyKey: key,
        credentials: {},
        settings: {},
        recipient: { contactId: admin.id, address: admin.email, firstName: admin.displayName, unsubscribeUrl: null },
        brandName: mail.brandName,
        tags: { source: 'ensemble', medium: 'email', campaign: 'competitor_watch', content: alert.kind },
      };
      try {
        const sent = await deps.smtp.publish(request);
        await run((em) => sql(em, `update content.competitor_alert_email set status = 'sent', message_id = ?, sent_at = ?, error = null where idempotency_key = ? and tenant_id = ?`,
          [sent.externalId, deps.now().toISOString(), key, tenantId]));
        result.sent += 1;
      } catch (error) {
        const permanent = isProviderError(error) && !error.retryable;
        // A refused address is settled (failed); anything else is tried again after the lease.
        await run((em) => sql(em, `update content.competitor_alert_email set status = case when ? then 'failed' else status end, error = ? where idempotency_key = ? and tenant_id = ?`,
          [permanent, (error as Error).message.slice(0, 1000), key, tenantId]));
        result.failed += 1;
      }
    }
    await run((em) => settleAlert(em, alert.id, admins, deps.now()));
  }
  return result;
}

/** Tenants with alerts not yet e-mailed, read within the caller's scope (a platform root sees all). */
export async function tenantsWithPendingAlerts(em: EntityManager): Promise<string[]> {
  const rows = await sql<{ tenant_id: string }>(em, 'select distinct tenant_id from content.competitor_alert where emailed_at is null order by tenant_id');
  return rows.map((r) => r.tenant_id);
}
