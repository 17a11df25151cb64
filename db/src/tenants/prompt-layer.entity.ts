import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * T7: prompt layers, three levels × locale × version. tenant_id is the owning
 * level's tenant (platform, a distributor at any depth, or the client).
 */
export const PromptLayer = defineEntity({
  name: 'PromptLayer',
  tableName: 'tenants.prompt_layer',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    level: p.enum(['platform', 'distributor', 'client'] as const),
    locale: p.text(),
    version: p.integer(),
    document: p.json<Record<string, unknown>>(),
    note: p.text().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type PromptLayerRow = InstanceType<typeof PromptLayer.class>;
