import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** C2/C3: the SEO/GEO score of a saved version (live scores are not stored). */
export const SeoScore = defineEntity({
  name: 'SeoScore',
  tableName: 'content.seo_score',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    itemId: p.uuid(),
    version: p.integer(),
    locale: p.text(),
    total: p.integer(),
    seo: p.integer(),
    geo: p.integer(),
    checks: p.json<unknown[]>().onCreate(() => []),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type SeoScoreRow = InstanceType<typeof SeoScore.class>;

/** C4: per client, weight of each check learned from measured performance. */
export const SeoWeight = defineEntity({
  name: 'SeoWeight',
  tableName: 'content.seo_weight',
  properties: {
    tenantId: p.uuid().primary(),
    checkId: p.text().primary(),
    weight: p.decimal('number'),
    sampleSize: p.integer().default(0),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type SeoWeightRow = InstanceType<typeof SeoWeight.class>;
