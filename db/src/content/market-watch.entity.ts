import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** C12: market watch: keywords and topics beyond direct competitors. */
export const MarketWatch = defineEntity({
  name: 'MarketWatch',
  tableName: 'content.market_watch',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    kind: p.enum(['keyword', 'topic'] as const),
    query: p.text(),
    locale: p.text(),
    sources: p.array().columnType('text[]').onCreate(() => []),
    intervalMinutes: p.integer().default(1440),
    active: p.boolean().default(true),
    lastRunAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type MarketWatchRow = InstanceType<typeof MarketWatch.class>;

/** C12: something found by a market watch. */
export const MarketSignal = defineEntity({
  name: 'MarketSignal',
  tableName: 'content.market_signal',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    watchId: p.uuid(),
    url: p.text(),
    title: p.text(),
    excerpt: p.text().default(''),
    source: p.text(),
    locale: p.text(),
    relevance: p.decimal('number').nullable(),
    contentHash: p.text(),
    publishedAt: p.datetime().nullable(),
    capturedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type MarketSignalRow = InstanceType<typeof MarketSignal.class>;
