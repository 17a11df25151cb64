// B2 usage: what a client consumed, per day (in its own time zone) and per AI
// task, derived from the ledger's 'consumed' entries like every balance.
import type { EntityManager } from '@ensemble/db/orm';
import { badInput, notFound } from '@ensemble/tenancy/errors';

export interface CreditUsageDay {
  /** YYYY-MM-DD in the client's time zone */
  date: string;
  consumed: number;
}

export interface CreditUsageByTask {
  task: string;
  consumed: number;
  /** settlements (AI calls paid) */
  calls: number;
}

export interface CreditUsage {
  from: string;
  to: string;
  timeZone: string;
  total: number;
  days: CreditUsageDay[];
  byTask: CreditUsageByTask[];
}

export const MAX_USAGE_DAYS = 366;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Row = Record<string, unknown>;

function checkDate(value: string, field: string): Date {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !date || date.toISOString().slice(0, 10) !== value) throw badInput(`${field} must be a date (YYYY-MM-DD)`, field);
  return date;
}

function toInt(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : (value as number);
  return Number.isFinite(n) ? n : 0;
}

/** Consumption between two days, both included, every day of the range present (zeros too). */
export async function creditUsage(em: EntityManager, input: { tenantId: string; from: string; to: string }): Promise<CreditUsage> {
  if (typeof input.tenantId !== 'string' || !UUID.test(input.tenantId)) throw notFound('credit account');
  const from = checkDate(input.from, 'from');
  const to = checkDate(input.to, 'to');
  const span = Math.round((to.getTime() - from.getTime()) / 86_400_000) + 1;
  if (span < 1) throw badInput('from must not be after to', 'from');
  if (span > MAX_USAGE_DAYS) throw badInput(`the range may cover at most ${MAX_USAGE_DAYS} days`, 'to');

  const [tenant] = await em.execute<Row[]>('select time_zone from tenants.tenant where id = ?::uuid', [input.tenantId]);
  if (!tenant) throw notFound('credit account');
  const timeZone = String(tenant['time_zone']);
  // One statement: per day, per task, and the total (grouping sets).
  const rows = await em.execute<Row[]>(
    `with consumed as (
       select (t.created_at at time zone ?)::date as day, coalesce(r.task, 'other') as task, e.amount
         from billing.credit_entry e
         join billing.credit_transfer t on t.tenant_id = e.tenant_id and t.id = e.transfer_id
         left join billing.credit_reservation r on r.tenant_id = t.tenant_id and r.id = t.reservation_id
        where e.tenant_id = ?::uuid and e.account = 'consumed'
          and t.created_at >= (?::date)::timestamp at time zone ?
          and t.created_at < (?::date + 1)::timestamp at time zone ?)
     select to_char(day, 'YYYY-MM-DD') as day, task, sum(amount) as consumed, count(*) as calls, grouping(day) as no_day, grouping(task) as no_task
       from consumed group by grouping sets ((day), (task), ())`,
    [timeZone, input.tenantId, input.from, timeZone, input.to, timeZone]);

  const perDay = new Map<string, number>();
  const byTask: CreditUsageByTask[] = [];
  let total = 0;
  for (const r of rows) {
    const noDay = toInt(r['no_day']) === 1;
    const noTask = toInt(r['no_task']) === 1;
    if (!noDay && noTask) perDay.set(String(r['day']), toInt(r['consumed']));
    else if (noDay && !noTask) byTask.push({ task: String(r['task']), consumed: toInt(r['consumed']), calls: toInt(r['calls']) });
    else if (noDay && noTask) total = toInt(r['consumed']);
  }
  byTask.sort((a, b) => b.consumed - a.consumed || a.task.localeCompare(b.task));
  const days: CreditUsageDay[] = [];
  for (let i = 0; i < span; i += 1) {
    const date = new Date(from.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    days.push({ date, consumed: perDay.get(date) ?? 0 });
  }
  return { from: input.from, to: input.to, timeZone, total, days, byTask };
}
