// Transport for watch.graphql: identity from the context, the tenant never
// from an argument, enum case mapping (DB lowercase ↔ GraphQL UPPERCASE).
// Captures run in the worker (competitorCaptureWorkflow), as on schedule, so
// the alerts they raise are e-mailed by the same code; the selector preview
// fetches here, through the same SSRF-safe fetcher, and records nothing.
import type { Client } from '@temporalio/client';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { readSdl, type SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { parsePublicUrl, type SafeFetch } from '@ensemble/ingest/safe-fetch';
import { AppError, badInput } from '@ensemble/tenancy/errors';
import { TASK_QUEUE } from '@ensemble/workflow-contracts/pipeline';
import { COMPETITOR_CAPTURE_WORKFLOW, competitorCaptureWorkflowId, type CaptureRequest, type CompetitorCaptureResult } from '@ensemble/workflow-contracts/watch';
import { previewSource } from './watch-capture.service.ts';
import type { CaptureDiff, PriceChange } from './watch-diff.ts';
import { validateSelectors, type FeedEntry, type PageSelectors, type Product } from './watch-extract.ts';
import { fetcherFromEnv } from '../egress/test-routes.ts';
import {
  addSource, getAlert, getCapture, getSource, listAlerts, listCaptures, listCompetitors, listSources, markAlertRead, markAllAlertsRead,
  removeSource, unreadAlertCount, updateSource, type AlertView, type CaptureView, type CompetitorView, type SourceInput, type SourceUpdate, type SourceView,
} from './watch.service.ts';

export interface WatchModuleDeps {
  temporal: Client;
  taskQueue?: string;
  /** the preview's fetcher (default: safeFetch, or the test routes under NODE_ENV=test) */
  fetch?: SafeFetch;
  /** runs a capture (default: competitorCaptureWorkflow on the worker, awaited) */
  capture?: (request: CaptureRequest) => Promise<CompetitorCaptureResult>;
}

const CAPTURE_WAIT_MS = 90_000;

function temporalCapture(deps: WatchModuleDeps) {
  return async (request: CaptureRequest): Promise<CompetitorCaptureResult> => {
    const handle = await deps.temporal.workflow.start(COMPETITOR_CAPTURE_WORKFLOW, {
      taskQueue: deps.taskQueue ?? process.env.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE,
      workflowId: competitorCaptureWorkflowId(request.tenantId, request.sourceId),
      args: [request],
      // A capture of this source in progress (the schedule's, or a double click) is joined, not repeated.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowExecutionTimeout: '5 minutes',
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AppError('CONFLICT', 'The capture is taking long; it goes on in the background and its result will appear in the history.')), CAPTURE_WAIT_MS);
    });
    try {
      return await Promise.race([handle.result() as Promise<CompetitorCaptureResult>, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Per request: the tenant's competitors and sources, read once however many fields ask. */
function memo<T>(ctx: RequestContext, key: string, load: () => Promise<T>): Promise<T> {
  let value = ctx.memo.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    ctx.memo.set(key, value);
  }
  return value;
}
const competitorsOf = (ctx: RequestContext, tenantId: string) => memo(ctx, `watch:competitors:${tenantId}`, () => ctx.tx(({ em }) => listCompetitors(em, tenantId)));
const sourcesOf = (ctx: RequestContext, tenantId: string) => memo(ctx, `watch:sources:${tenantId}`, () => ctx.tx(({ em }) => listSources(em, tenantId)));

const upper = (value: string | null | undefined) => (value ? value.toUpperCase() : null);

function productOut(p: Product) {
  return { name: p.name, priceMinor: p.price_minor, currency: p.currency, priceText: p.price_text ?? '' };
}

function entryOut(e: FeedEntry) {
  return { id: e.id, title: e.title, url: e.url, publishedAt: e.published_at };
}

function diffOut(d: CaptureDiff | null) {
  if (!d) return null;
  return {
    addedParagraphs: d.added_paragraphs,
    removedParagraphs: d.removed_paragraphs,
    addedProducts: d.added_products.map(productOut),
    removedProducts: d.removed_products.map(productOut),
    priceChanges: d.price_changes.map((c: PriceChange) => ({ name: c.name, oldPriceMinor: c.old_minor, newPriceMinor: c.new_minor, currency: c.currency, changePercent: c.change_pct })),
    newEntries: d.new_entries.map(entryOut),
    removedEntries: d.removed_entries,
  };
}

interface PreviewInput {
  kind: 'FEED' | 'PAGE';
  url: string;
  selectors?: PageSelectors | null;
}

export function watchModule(deps: WatchModuleDeps): SubgraphModule {
  // Built now, so a misconfiguration (test routes outside NODE_ENV=test) stops the subgraph at start.
  const fetcher = deps.fetch ?? fetcherFromEnv();
  const capture = deps.capture ?? temporalCapture(deps);
  return {
    sdl: readSdl(new URL('./watch.graphql', import.meta.url)),
    resolvers: {
      Query: {
        competitors: (_: unknown, __: unknown, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => listCompetitors(em, tenantId)),
        competitorSource: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => getSource(em, args.id)),
        competitorCapture: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => getCapture(em, args.id)),
        competitorAlerts: (_: unknown, args: { unreadOnly?: boolean | null; sourceId?: string | null; limit?: number | null }, ctx: RequestContext) =>
          ctx.tx(({ em, tenantId }) => listAlerts(em, tenantId, args)),
        unreadCompetitorAlerts: (_: unknown, __: unknown, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => unreadAlertCount(em, tenantId)),
      },
      Mutation: {
        addCompetitorSource: (_: unknown, args: { input: SourceInput }, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => addSource(em, tenantId, args.input)),
        updateCompetitorSource: (_: unknown, args: { id: string; input: SourceUpdate }, ctx: RequestContext) => ctx.tx(({ em }) => updateSource(em, args.id, args.input)),
        removeCompetitorSource: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => removeSource(em, args.id)),
        previewCompetitorSource: async (_: unknown, args: { input: PreviewInput }) => {
          const { input } = args;
          if (input.kind !== 'FEED' && input.kind !== 'PAGE') throw badInput('A source is a FEED or a PAGE', 'kind');
          const kind = input.kind === 'FEED' ? 'feed' : 'page';
          let url: string;
          try {
            url = parsePublicUrl(input.url).href;
          } catch (error) {
            throw new AppError('BAD_USER_INPUT', (error as AppError).message, { ...(error as AppError).extensions, field: 'url' });
          }
          const selectors = validateSelectors(input.selectors, kind);
          const preview = await previewSource({ kind, url, selectors }, fetcher);
          const x = preview.extraction;
          return {
            url,
            httpStatus: preview.httpStatus,
            error: preview.error,
            feedFormat: x && x.format !== 'page' ? x.format.toUpperCase() : null,
            title: x?.title ?? null,
            products: (x?.products ?? []).map(productOut),
            entries: (x?.entries ?? []).map(entryOut),
            paragraphs: (x?.paragraphs ?? []).slice(0, 50),
            unreadPrices: x?.unreadPrices ?? [],
          };
        },
        captureCompetitorSource: async (_: unknown, args: { id: string }, ctx: RequestContext) => {
          // Existence in the caller's scope first: another client's source is NOT_FOUND.
          const source = await ctx.tx(({ em }) => getSource(em, args.id));
          const result = await capture({ tenantId: source.tenantId, sourceId: source.id });
          return ctx.tx(async ({ em }) => ({
            status: result.capture.status.toUpperCase(),
            capture: result.capture.captureId ? await getCapture(em, result.capture.captureId) : null,
            alerts: await Promise.all(result.capture.alertIds.map((id) => getAlert(em, id))),
            error: result.capture.error,
          }));
        },
        markAlertRead: (_: unknown, args: { id: string; read?: boolean | null }, ctx: RequestContext) => ctx.tx(({ em }) => markAlertRead(em, args.id, args.read ?? true)),
        markAllAlertsRead: (_: unknown, __: unknown, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => markAllAlertsRead(em, tenantId)),
      },
      Competitor: {
        sources: (competitor: CompetitorView, _: unknown, ctx: RequestContext) =>
          sourcesOf(ctx, competitor.tenantId).then((all) => all.filter((s) => s.competitorId === competitor.id)),
      },
      CompetitorSource: {
        competitor: async (source: SourceView, _: unknown, ctx: RequestContext) =>
          (await competitorsOf(ctx, source.tenantId)).find((c) => c.id === source.competitorId)
            ?? { id: source.competitorId, tenantId: source.tenantId, name: source.competitorName, website: source.competitorWebsite, notes: '', unreadAlerts: 0 },
        kind: (source: SourceView) => source.kind.toUpperCase(),
        feedFormat: (source: SourceView) => upper(source.feedFormat),
        lastStatus: (source: SourceView) => upper(source.lastStatus),
        priceThresholdPercent: (source: SourceView) => source.priceThresholdPct,
        captures: (source: SourceView, args: { limit: number }, ctx: RequestContext) => ctx.tx(({ em }) => listCaptures(em, source.id, args.limit)),
      },
      CompetitorCapture: {
        entries: (capture: CaptureView) => capture.entries.map(entryOut),
        products: (capture: CaptureView) => capture.products.map(productOut),
        diff: (capture: CaptureView) => diffOut(capture.diff),
      },
      CompetitorAlert: {
        kind: (alert: AlertView) => alert.kind.toUpperCase(),
        severity: (alert: AlertView) => alert.severity.toUpperCase(),
        read: (alert: AlertView) => alert.readAt !== null,
      },
    },
  };
}
