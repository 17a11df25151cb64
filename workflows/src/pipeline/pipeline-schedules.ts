// W1: one Temporal Schedule per client, firing on the 1st at 06:00 in the
// client's own time zone (Temporal applies the zone, summer time included).
// Registered by the worker at start, idempotently (schedules.ts): an existing
// schedule is brought to the client's current time zone.
import { ScheduleOverlapPolicy, type Client, type ScheduleOptions, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant, withoutTenant } from '@ensemble/db/orm';
import { Tenant } from '@ensemble/db/tenants/tenant.entity';
import { MONTHLY_PIPELINE_STARTER_WORKFLOW, MONTHLY_SCHEDULE_AT, TASK_QUEUE, monthlyScheduleId } from '@ensemble/workflow-contracts/pipeline';
import { ensureSchedule } from '../schedules.ts';
import type { monthlyPipelineStarterWorkflow } from './monthly-pipeline-starter.workflow.ts';

export interface ScheduledClient {
  tenantId: string;
  timeZone: string;
}

export function monthlySchedule(client: ScheduledClient, taskQueue = TASK_QUEUE): ScheduleOptions<ScheduleOptionsStartWorkflowAction<typeof monthlyPipelineStarterWorkflow>> {
  const scheduleId = monthlyScheduleId(client.tenantId);
  return {
    scheduleId,
    spec: { calendars: [{ ...MONTHLY_SCHEDULE_AT }], timezone: client.timeZone },
    action: {
      type: 'startWorkflow',
      workflowType: MONTHLY_PIPELINE_STARTER_WORKFLOW,
      workflowId: scheduleId,
      taskQueue,
      args: [{ tenantId: client.tenantId }],
    },
    // The starter is quick; a month still running from the previous fire is
    // the pipeline's business (its own id), not a reason to skip this one.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  };
}

/** Every active client, read as each platform root (whose scope is everything). */
export async function activeClients(orm: MikroORM): Promise<ScheduledClient[]> {
  const roots = await withoutTenant(orm, (em) => em.execute<Array<{ id: string }>>('select id from app.platform_tenants() as id'));
  const clients: ScheduledClient[] = [];
  for (const { id } of roots) {
    const rows = await withTenant(orm, id, null, ({ em }) => em.find(Tenant, { kind: 'client', status: 'active' }, { orderBy: { id: 'asc' } }));
    clients.push(...rows.map((t) => ({ tenantId: t.id, timeZone: t.timeZone })));
  }
  return clients;
}

export function ensureMonthlySchedule(temporal: Client, client: ScheduledClient, taskQueue?: string): Promise<'created' | 'updated'> {
  return ensureSchedule(temporal, monthlySchedule(client, taskQueue));
}

export async function ensureMonthlySchedules(temporal: Client, orm: MikroORM, taskQueue?: string): Promise<number> {
  const clients = await activeClients(orm);
  for (const client of clients) await ensureMonthlySchedule(temporal, client, taskQueue);
  return clients.length;
}
