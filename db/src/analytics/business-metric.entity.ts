import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * A6: monthly business metrics entered by the client (or from a connector).
 * Money metrics are minor units with a currency; counts have none.
 */
export const BusinessMetric = defineEntity({
  name: 'BusinessMetric',
  tableName: 'analytics.business_metric',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    month: p.character().length(7),
    metric: p.enum(['revenue', 'orders', 'leads', 'bookings', 'new_customers', 'average_order_value'] as const),
    value: p.bigint('number'),
    currency: p.character().length(3).nullable(),
    source: p.enum(['manual', 'connector', 'import'] as const).default('manual'),
    enteredBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type BusinessMetricRow = InstanceType<typeof BusinessMetric.class>;
