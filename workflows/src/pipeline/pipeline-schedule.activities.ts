import { ApplicationFailure } from '@temporalio/common';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant } from '@ensemble/db/orm';
import { Tenant } from '@ensemble/db/tenants/tenant.entity';
import { currentMonth } from '@ensemble/subgraph-content/pipeline/pipeline.service';

export function createPipelineScheduleActivities(deps: { orm: MikroORM; now?: () => Date }) {
  return {
    /** The month that has begun for the client, in its own time zone. */
    async pipelineMonthFor(tenantId: string): Promise<string> {
      const tenant = await withTenant(deps.orm, tenantId, null, ({ em }) => em.findOne(Tenant, { id: tenantId }));
      if (!tenant || tenant.kind !== 'client') throw ApplicationFailure.create({ message: `no client ${tenantId}`, type: 'NOT_FOUND', nonRetryable: true });
      return currentMonth(tenant.timeZone, deps.now?.());
    },
  };
}

export type PipelineScheduleActivities = ReturnType<typeof createPipelineScheduleActivities>;
