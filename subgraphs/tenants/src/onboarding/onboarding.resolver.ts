// Transport for onboarding.graphql: the tenant comes from the verified
// identity, never from an argument; enum case mapping (DB lowercase ↔
// GraphQL UPPERCASE); the workflow start (W3). The rest lives in the services.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { readSdl, type SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { AppError, badInput } from '@ensemble/tenancy/errors';
import { systemResolve, type Resolver } from '@ensemble/ingest/safe-fetch';
import { speechSupport } from '@ensemble/ai/speech-support';
import { TASK_QUEUE } from '@ensemble/workflow-contracts/pipeline';
import {
  ONBOARDING_WORKFLOW,
  SOURCE_STAGES,
  onboardingProgressTopic,
  onboardingWorkflowId,
  type SourceStage,
  type OnboardingProgressEvent,
  type OnboardingWorkflowInput,
} from '@ensemble/workflow-contracts/onboarding';
import { Tenant } from '@ensemble/db/tenants/tenant.entity';
import {
  abortIngestion,
  acceptDraft,
  addSource,
  checkSourceUrl,
  currentSession,
  findSession,
  prepareIngestion,
  removeSource,
  requireSession,
  saveAnswers,
  type DraftView,
  type IngestedKind,
  type SessionView,
} from './onboarding.service.ts';
import type { FieldOrigin } from './provenance.ts';

export interface OnboardingModuleDeps {
  temporal: Client;
  /** defaults to TEMPORAL_TASK_QUEUE, then the contracts' TASK_QUEUE */
  taskQueue?: string;
  /** DNS for the up-front SSRF check of website URLs (default: the system resolver) */
  resolve?: Resolver;
}

const actorOf = (ctx: RequestContext) => (ctx.identity.kind === 'user' || ctx.identity.kind === 'api_key' ? ctx.identity.actorId : null);
const userOf = (ctx: RequestContext) => (ctx.identity.kind === 'user' ? ctx.identity.actorId : null);

async function announce(ctx: RequestContext, session: SessionView, stage: OnboardingProgressEvent['stage']): Promise<void> {
  const event: OnboardingProgressEvent = { sessionId: session.id, sourceId: null, stage, at: new Date().toISOString() };
  await ctx.pubsub.publish(onboardingProgressTopic(session.tenantId, session.id), event);
}

const FINISHED = new Set(['proposed', 'accepted', 'failed', 'abandoned']);

/**
 * The session as read after an event, showing the event's own stage for its
 * source: under load the read may already see a later stage, and the person
 * watching should still see each stage a source went through, in order.
 */
export function withEventStage(session: SessionView, event: OnboardingProgressEvent): SessionView {
  const stage = event.stage;
  if (!event.sourceId || !(SOURCE_STAGES as readonly string[]).includes(stage)) return session;
  return { ...session, sources: session.sources.map((source) => (source.id === event.sourceId ? { ...source, stage: stage as SourceStage } : source)) };
}

/** Pushes the session: its current state first, then after every progress event; ends once ingestion is over. */
async function* progressStream(ctx: RequestContext, first: SessionView): AsyncGenerator<SessionView> {
  // Listen before reading again, so no event falls between the read and the listen.
  const events = ctx.pubsub.subscribe<OnboardingProgressEvent>(onboardingProgressTopic(first.tenantId, first.id));
  try {
    let session = (await ctx.tx(({ em }) => findSession(em, first.id))) ?? first;
    yield session;
    if (FINISHED.has(session.status)) return;
    for await (const event of events) {
      session = await ctx.tx(({ em }) => requireSession(em, first.id));
      yield withEventStage(session, event);
      if (FINISHED.has(session.status)) return;
    }
  } finally {
    await events.return?.();
  }
}

function upper(value: string | null | undefined): string | null {
  return value ? value.toUpperCase() : null;
}

function lowerAnswers(answers: Record<string, unknown>): Record<string, unknown> {
  const tone = answers.tone as Record<string, unknown> | undefined;
  const offers = answers.offers as Array<Record<string, unknown>> | undefined;
  return {
    ...answers,
    ...(tone ? { tone: { ...tone, ...(typeof tone.address === 'string' ? { address: tone.address.toLowerCase() } : {}) } } : {}),
    ...(offers ? { offers: offers.map((o) => ({ ...o, ...(typeof o.kind === 'string' ? { kind: o.kind.toLowerCase() } : {}) })) } : {}),
  };
}

function draftOf(draft: DraftView | null) {
  if (!draft) return null;
  return {
    document: draft.document,
    issues: draft.issues,
    fields: Object.entries(draft.provenance).map(([path, origin]) => ({ path, ...origin })),
  };
}

export function onboardingModule(deps: OnboardingModuleDeps): SubgraphModule {
  const resolve = deps.resolve ?? systemResolve;
  const taskQueue = () => deps.taskQueue ?? process.env.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE;
  return {
    sdl: readSdl(new URL('./onboarding.graphql', import.meta.url)),
    resolvers: {
      Query: {
        onboarding: (_: unknown, _args: unknown, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => currentSession(em, tenantId)),
        onboardingDraft: (_: unknown, _args: unknown, ctx: RequestContext) =>
          ctx.tx(async ({ em, tenantId }) => draftOf((await currentSession(em, tenantId))?.draft ?? null)),
        onboardingSpeechSupport: async (_: unknown, args: { language?: string | null }, ctx: RequestContext) =>
          ctx.tx(async ({ em, tenantId }) => {
            const language = args.language?.trim() || ((await em.findOne(Tenant, { id: tenantId }))?.locale ?? 'en');
            if (!/^[a-z]{2}(-[A-Z]{2})?$/.test(language)) throw badInput('language must be a language tag such as en or fr-FR', 'language');
            // The route's answer, not this host's: transcription runs in the worker (see speech-support.ts).
            const support = await speechSupport(em, tenantId, language);
            return { ...support, gap: support.gap?.toUpperCase() ?? null };
          }),
      },
      Mutation: {
        saveOnboardingAnswers: (_: unknown, args: { answers: Record<string, unknown> }, ctx: RequestContext) =>
          ctx.tx(({ em, tenantId }) => saveAnswers(em, tenantId, userOf(ctx), lowerAnswers(args.answers))),
        addOnboardingSource: async (_: unknown, args: { kind: string; mediaId?: string | null; url?: string | null; language?: string | null }, ctx: RequestContext) => {
          const kind = args.kind.toLowerCase() as IngestedKind;
          // DNS and the address rules run before the transaction: nothing is written for a refused URL.
          const checkedUrl = kind === 'url' && args.url?.trim() ? await checkSourceUrl(args.url, resolve) : null;
          return ctx.tx(({ em, tenantId }) => addSource(em, tenantId, userOf(ctx), { kind, mediaId: args.mediaId, url: args.url, language: args.language, checkedUrl }));
        },
        removeOnboardingSource: (_: unknown, args: { sourceId: string }, ctx: RequestContext) =>
          ctx.tx(({ em, tenantId }) => removeSource(em, tenantId, args.sourceId)),
        runOnboardingIngestion: async (_: unknown, _args: unknown, ctx: RequestContext) => {
          const { session } = await ctx.tx(({ em, tenantId }) => prepareIngestion(em, tenantId, (sessionId) => onboardingWorkflowId(tenantId, sessionId)));
          const input: OnboardingWorkflowInput = { tenantId: session.tenantId, sessionId: session.id, requestedBy: actorOf(ctx) };
          try {
            await deps.temporal.workflow.start(ONBOARDING_WORKFLOW, {
              taskQueue: taskQueue(),
              workflowId: onboardingWorkflowId(session.tenantId, session.id),
              args: [input],
              // Running: attach to it. Finished: a new run reads what changed since.
              workflowIdConflictPolicy: 'USE_EXISTING',
              workflowIdReusePolicy: 'ALLOW_DUPLICATE',
            });
          } catch (error) {
            if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
              await ctx.tx(({ em }) => abortIngestion(em, session.id, 'The ingestion could not be started; try again in a moment.'));
              throw error instanceof AppError ? error : new AppError('INTERNAL_SERVER_ERROR', 'The ingestion could not be started; try again in a moment.');
            }
          }
          await announce(ctx, session, 'ingesting');
          return session;
        },
        acceptOnboardingDraft: async (_: unknown, args: { document: unknown }, ctx: RequestContext) => {
          const { snapshot, sessionId } = await ctx.tx(({ em, tenantId }) => acceptDraft(em, tenantId, userOf(ctx), args.document));
          const event: OnboardingProgressEvent = { sessionId, sourceId: null, stage: 'accepted', at: new Date().toISOString() };
          await ctx.pubsub.publish(onboardingProgressTopic(snapshot.tenantId, sessionId), event);
          return snapshot;
        },
      },
      Subscription: {
        onboardingProgress: {
          subscribe: async (_: unknown, args: { sessionId: string }, ctx: RequestContext) => {
            // Existence inside the caller's scope first: another tenant's session is NOT_FOUND.
            const session = await ctx.tx(({ em }) => requireSession(em, args.sessionId));
            return progressStream(ctx, session);
          },
          resolve: (payload: SessionView) => payload,
        },
      },
      OnboardingSession: {
        __resolveReference: (ref: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => findSession(em, ref.id)),
        status: (s: SessionView) => s.status.toUpperCase(),
        draft: (s: SessionView) => draftOf(s.draft),
        progress: (s: SessionView) => ({
          total: s.sources.length,
          done: s.sources.filter((x) => x.stage === 'done').length,
          failed: s.sources.filter((x) => x.stage === 'failed').length,
          running: s.sources.filter((x) => !['queued', 'done', 'failed'].includes(x.stage)).length,
        }),
      },
      OnboardingOffer: {
        kind: (o: { kind: string }) => o.kind.toUpperCase(),
      },
      OnboardingTone: {
        address: (t: { address?: string }) => upper(t.address),
      },
      OnboardingSource: {
        kind: (s: { kind: string }) => s.kind.toUpperCase(),
        stage: (s: { stage: string }) => s.stage.toUpperCase(),
      },
      OnboardingFieldOrigin: {
        source: (o: FieldOrigin) => o.source.toUpperCase(),
      },
    },
  };
}
