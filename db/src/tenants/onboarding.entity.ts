import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * T8: guided onboarding. A session collects sources (typed answers, audio,
 * PDFs, URLs); ingestion (W3) extracts them and proposes a DNA draft that the
 * client accepts as snapshot 1.
 */
export const OnboardingSession = defineEntity({
  name: 'OnboardingSession',
  tableName: 'tenants.onboarding_session',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    status: p.enum(['open', 'ingesting', 'proposed', 'accepted', 'abandoned', 'failed'] as const).default('open'),
    locale: p.text(),
    workflowId: p.text().nullable(),
    progress: p.json<Record<string, unknown>>().onCreate(() => ({})),
    draft: p.json<Record<string, unknown>>().nullable(),
    draftProvenance: p.json<Record<string, unknown>>().onCreate(() => ({})),
    acceptedSnapshotId: p.uuid().nullable(),
    error: p.text().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type OnboardingSessionRow = InstanceType<typeof OnboardingSession.class>;

/**
 * T8: one input of an onboarding session (typed answer, audio, PDF, URL) and what ingestion
 * extracted from it.
 */
export const OnboardingSource = defineEntity({
  name: 'OnboardingSource',
  tableName: 'tenants.onboarding_source',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    sessionId: p.uuid(),
    kind: p.enum(['answer', 'audio', 'pdf', 'url'] as const),
    questionKey: p.text().nullable(),
    answer: p.text().nullable(),
    url: p.text().nullable(),
    mediaId: p.uuid().nullable(),
    status: p.enum(['pending', 'processing', 'done', 'failed', 'skipped'] as const).default('pending'),
    /** the ingestion step it is in, for live progress (0018) */
    stage: p.enum(['queued', 'fetching', 'parsing', 'transcribing', 'done', 'failed'] as const).default('queued'),
    progress: p.json<Record<string, unknown>>().onCreate(() => ({})),
    extractedText: p.text().nullable(),
    extracted: p.json<Record<string, unknown>>().nullable(),
    error: p.text().nullable(),
    locale: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    processedAt: p.datetime().nullable(),
  },
});
export type OnboardingSourceRow = InstanceType<typeof OnboardingSource.class>;
