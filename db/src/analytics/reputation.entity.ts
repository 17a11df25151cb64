import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { CHANNELS } from '../vocabulary.ts';

/** A5: reputation. */
export const Review = defineEntity({
  name: 'Review',
  tableName: 'analytics.review',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    source: p.enum(['google', 'facebook', 'tripadvisor', 'trustpilot', 'booking', 'manual'] as const),
    externalId: p.text(),
    authorName: p.text().nullable(),
    rating: p.smallint().nullable(),
    title: p.text().nullable(),
    body: p.text().default(''),
    locale: p.text(),
    sentiment: p.decimal('number').nullable(),
    sentimentLabel: p.enum(['positive', 'neutral', 'negative'] as const).nullable(),
    publishedAt: p.datetime(),
    reply: p.text().nullable(),
    repliedAt: p.datetime().nullable(),
    capturedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ReviewRow = InstanceType<typeof Review.class>;

/** A5: brand safety flags raised by the moderation task. */
export const ModerationFlag = defineEntity({
  name: 'ModerationFlag',
  tableName: 'analytics.moderation_flag',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    subjectKind: p.enum(['content_version', 'review', 'comment', 'message'] as const),
    subjectId: p.uuid(),
    category: p.text(),
    severity: p.enum(['low', 'medium', 'high'] as const),
    score: p.decimal('number').nullable(),
    modelCode: p.text().nullable(),
    details: p.json<Record<string, unknown>>().onCreate(() => ({})),
    createdAt: p.datetime().onCreate(() => new Date()),
    resolvedAt: p.datetime().nullable(),
    resolvedBy: p.uuid().nullable(),
  },
});
export type ModerationFlagRow = InstanceType<typeof ModerationFlag.class>;

/** A5/C5: engagement per published item and day, collected from the channels. */
export const EngagementMetric = defineEntity({
  name: 'EngagementMetric',
  tableName: 'analytics.engagement_metric',
  properties: {
    tenantId: p.uuid().primary(),
    publicationId: p.uuid().primary(),
    channel: p.enum(CHANNELS),
    day: p.date().primary(),
    impressions: p.bigint('number').default(0),
    reach: p.bigint('number').default(0),
    clicks: p.bigint('number').default(0),
    likes: p.bigint('number').default(0),
    comments: p.bigint('number').default(0),
    shares: p.bigint('number').default(0),
    saves: p.bigint('number').default(0),
    videoViews: p.bigint('number').default(0),
    collectedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type EngagementMetricRow = InstanceType<typeof EngagementMetric.class>;
