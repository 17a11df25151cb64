// W3 activities: thin, idempotent adapters over the onboarding services and
// the ingest package. Each enters the client's tenant (withTenant: RLS) for
// every unit of bookkeeping, does its I/O (crawl, PDF, speech) outside any
// transaction, and announces progress on onboarding:<tenantId>:<sessionId>
// (the tenants subgraph's channel) after each commit.
//
// Idempotency: a source already done is not read again (its result stays);
// the draft is rebuilt from stored results only, deterministically.
import { ApplicationFailure } from '@temporalio/common';
import { cancellationSignal, heartbeat } from '@temporalio/activity';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant } from '@ensemble/db/orm';
import { isAppError } from '@ensemble/tenancy/errors';
import { configuredStorage, type ObjectStorage } from '@ensemble/storage/storage';
import { crawlSite, decodeHtml, normaliseCrawlUrl, type CrawlOptions, type CrawlProgress } from '@ensemble/ingest/crawl';
import { extractPdf } from '@ensemble/ingest/pdf';
import { safeFetch, type SafeFetch } from '@ensemble/ingest/safe-fetch';
import { createDbAiRouter } from '@ensemble/ai/catalogue';
import type { AiRouter, AiTranscription } from '@ensemble/ai/router';
import { readMediaFile } from '@ensemble/subgraph-content/media/media.service';
import {
  beginIngestion,
  completeSource,
  failSession,
  failSource,
  loadSource,
  proposeDraft,
  setStage,
  type IngestionSource,
  type SourceExtraction,
} from '@ensemble/subgraph-tenants/onboarding/onboarding-ingestion.service';
import { citedLabels, type SourceSection } from '@ensemble/subgraph-tenants/onboarding/extraction';
import { siteSignals, type SiteSignals } from '@ensemble/subgraph-tenants/onboarding/site-signals';
import {
  onboardingProgressTopic,
  type OnboardingProgressEvent,
  type OnboardingWorkflowInput,
  type SourceRef,
  type SourceStage,
} from '@ensemble/workflow-contracts/onboarding';

export interface ProgressPublisher {
  publish(topic: string, data: unknown): Promise<void>;
}

export interface OnboardingActivityDeps {
  orm: MikroORM;
  /** publishes on the tenants subgraph's channel (ONBOARDING_PUBSUB_CHANNEL) */
  pubsub: ProgressPublisher;
  /** where uploads are stored (default: the environment's media storage) */
  storage?: ObjectStorage;
  /** the SSRF-safe fetcher (tests route a public name to a local server through its dial seam) */
  fetch?: SafeFetch;
  /** speech to text through the route of task speech_to_text (default: the router over the database's catalogue) */
  ai?: Pick<AiRouter, 'transcribe'>;
  /** crawl caps (defaults: 15 pages, depth 2, 2 MB a page, 90 s) */
  crawl?: Pick<CrawlOptions, 'maxPages' | 'maxDepth' | 'maxBytesPerPage' | 'timeBudgetMs'>;
  /** PDF limits (defaults: the ingest package's) */
  pdf?: { maxBytes?: number; maxPages?: number };
}

export interface SourceOutcome {
  sourceId: string;
  /** read now, or found done by an earlier attempt */
  status: 'done' | 'replayed';
  summary: Record<string, unknown>;
}

export interface DraftOutcome {
  status: 'proposed' | 'skipped';
  fields: number;
  cited: Record<string, number>;
  issues: number;
}

export const DEFAULT_CRAWL = { maxPages: 15, maxDepth: 2, maxBytesPerPage: 2 * 1024 * 1024, timeBudgetMs: 90_000 } as const;

const NON_RETRYABLE_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'UNAUTHENTICATED']);

/** AppErrors keep their stable code as the failure type; the ones a retry cannot fix are not retried. */
function asFailure(error: unknown): unknown {
  if (isAppError(error)) {
    return ApplicationFailure.create({ message: error.message, type: error.code, nonRetryable: NON_RETRYABLE_CODES.has(error.code) });
  }
  return error;
}

/** PDF text per page: pages are separated by a blank line (lines never are); when that does not add up, one section. */
export function pdfSections(text: string, pages: number, headings: string[]): SourceSection[] {
  const parts = text.split('\n\n');
  if (parts.length === pages) return parts.map((part, i) => ({ page: i + 1, text: part, headings: headings.filter((h) => part.includes(h)) }));
  return [{ text, headings }];
}

export function createOnboardingActivities(deps: OnboardingActivityDeps) {
  const storage = () => deps.storage ?? configuredStorage();
  const fetcher = deps.fetch ?? safeFetch;
  const ai = deps.ai ?? createDbAiRouter(deps.orm);
  const crawlCaps = { ...DEFAULT_CRAWL, ...deps.crawl };

  const announce = async (ref: { tenantId: string; sessionId: string }, sourceId: string | null, stage: OnboardingProgressEvent['stage']) => {
    const event: OnboardingProgressEvent = { sessionId: ref.sessionId, sourceId, stage, at: new Date().toISOString() };
    // A lost event only delays the screen until the next one: never fail the work for it.
    await deps.pubsub.publish(onboardingProgressTopic(ref.tenantId, ref.sessionId), event).catch(() => undefined);
  };

  const tx = <T>(tenantId: string, fn: Parameters<typeof withTenant<T>>[3]) => withTenant(deps.orm, tenantId, null, fn);

  const stage = async (ref: SourceRef, next: SourceStage, progress: Record<string, unknown> = {}) => {
    await tx(ref.tenantId, ({ em }) => setStage(em, ref.sourceId, next, progress));
    await announce(ref, ref.sourceId, next);
  };

  /** Loads the source; null when an earlier attempt already read it. */
  const open = async (ref: SourceRef): Promise<IngestionSource | null> => {
    const source = await tx(ref.tenantId, ({ em }) => loadSource(em, ref.sourceId));
    return source.status === 'done' ? null : source;
  };

  const complete = async (ref: SourceRef, result: SourceExtraction): Promise<SourceOutcome> => {
    await tx(ref.tenantId, ({ em }) => completeSource(em, ref.sourceId, result));
    await announce(ref, ref.sourceId, 'done');
    return { sourceId: ref.sourceId, status: 'done', summary: result.summary };
  };

  const replayed = (ref: SourceRef): SourceOutcome => ({ sourceId: ref.sourceId, status: 'replayed', summary: {} });

  const readUpload = async (ref: SourceRef, source: IngestionSource) =>
    tx(ref.tenantId, ({ em }) => readMediaFile(em, ref.tenantId, source.mediaId!, storage()));

  return {
    async beginOnboardingIngestion(input: OnboardingWorkflowInput & { workflowId: string }): Promise<{ status: string; sources: SourceRef[] }> {
      try {
        const begun = await tx(input.tenantId, ({ em }) => beginIngestion(em, input.sessionId, input.workflowId));
        await announce(input, null, 'ingesting');
        return { status: begun.status, sources: begun.sources.map((s) => ({ tenantId: input.tenantId, sessionId: input.sessionId, sourceId: s.sourceId, kind: s.kind })) };
      } catch (error) {
        throw asFailure(error);
      }
    },

    /** A website: same-site crawl through the SSRF-safe fetcher, robots.txt honoured, pages reduced to readable text. */
    async crawlOnboardingUrl(ref: SourceRef): Promise<SourceOutcome> {
      try {
        const source = await open(ref);
        if (!source) return replayed(ref);
        await stage(ref, 'fetching', { pagesRead: 0, url: source.url });
        const signals = new Map<string, SiteSignals>();
        // The fetcher as the crawl uses it, noting what readable text drops: site name and links.
        const capturing: SafeFetch = async (url, options) => {
          const res = await fetcher(url, options);
          if (res.status < 400 && (res.contentType === 'text/html' || res.contentType === 'application/xhtml+xml')) {
            signals.set(normaliseCrawlUrl(res.url), siteSignals(decodeHtml(res.body, res.charset), res.url));
          }
          return res;
        };
        let recorded = Promise.resolve();
        const onProgress = (p: CrawlProgress) => {
          heartbeat(p);
          recorded = recorded.then(() => stage(ref, 'fetching', { pagesRead: p.pagesRead, skipped: p.skipped, queued: p.queued, url: p.url })).catch(() => undefined);
        };
        const result = await crawlSite(source.url!, { ...crawlCaps, fetch: capturing, onProgress, signal: cancellationSignal() });
        await recorded;
        await stage(ref, 'parsing', { pagesRead: result.pages.length });
        if (result.pages.length === 0) {
          const why = result.skipped[0]?.detail ?? 'it has no readable page';
          throw ApplicationFailure.create({ message: `Nothing could be read from ${source.url}: ${why}`, type: 'BAD_USER_INPUT', nonRetryable: true });
        }
        const sections: SourceSection[] = result.pages.map((page) => {
          const signal = signals.get(page.url);
          return { url: page.url, title: page.title, description: page.description, lang: page.lang, headings: page.headings, text: page.text, siteName: signal?.siteName ?? null, links: signal?.links ?? [] };
        });
        return await complete(ref, {
          document: { name: source.url!, startUrl: result.startUrl, sections },
          summary: { pages: result.pages.length, skipped: result.skipped.length, startUrl: result.startUrl, skippedReasons: [...new Set(result.skipped.map((s) => s.reason))] },
        });
      } catch (error) {
        throw asFailure(error);
      }
    },

    /** A PDF: text and structure per page (malformed, encrypted, too large or too long: a clear BAD_USER_INPUT). */
    async parseOnboardingPdf(ref: SourceRef): Promise<SourceOutcome> {
      try {
        const source = await open(ref);
        if (!source) return replayed(ref);
        await stage(ref, 'fetching', { file: source.filename });
        const file = await readUpload(ref, source);
        await stage(ref, 'parsing', { file: file.filename, bytes: file.body.length });
        const pdf = await extractPdf(file.body, deps.pdf ?? {});
        return await complete(ref, {
          document: { name: file.filename, title: pdf.title ?? null, sections: pdfSections(pdf.text, pdf.pages, pdf.headings) },
          summary: { pages: pdf.pages, characters: pdf.text.length, title: pdf.title ?? null, headings: pdf.headings.length },
        });
      } catch (error) {
        throw asFailure(error);
      }
    },

    /**
     * A recording: speech to text in its language through the client's
     * speech_to_text route (cloud models first, the offline engine last); the
     * summary names the model that answered and its ai_call row. No model for
     * the language: a clear BAD_USER_INPUT. Not charged in credits: like the
     * crawl and the PDFs, reading the sources is part of setting the
     * workspace up, before the client has a brand to spend credits on; the
     * call is still recorded in ai_call like every AI call.
     */
    async transcribeOnboardingAudio(ref: SourceRef): Promise<SourceOutcome> {
      try {
        const source = await open(ref);
        if (!source) return replayed(ref);
        await stage(ref, 'fetching', { file: source.filename });
        const file = await readUpload(ref, source);
        await stage(ref, 'transcribing', { file: file.filename, language: source.language });
        const beat = setInterval(() => heartbeat({ transcribing: file.filename }), 5_000);
        let transcript: AiTranscription;
        try {
          transcript = await ai.transcribe({ tenantId: ref.tenantId, audio: file.body, locale: source.language, name: file.filename.replace(/\.[^.]*$/, '') || 'recording' });
        } finally {
          clearInterval(beat);
        }
        if (!transcript.text.trim()) {
          throw ApplicationFailure.create({ message: `No speech could be recognised in ${file.filename}.`, type: 'BAD_USER_INPUT', nonRetryable: true });
        }
        return await complete(ref, {
          document: { name: file.filename, sections: [{ text: transcript.text, headings: [], lang: transcript.language }] },
          summary: {
            engine: transcript.engine,
            language: transcript.language,
            characters: transcript.text.length,
            ...(transcript.durationSeconds ? { durationSeconds: transcript.durationSeconds } : {}),
            model: transcript.model.code,
            provider: transcript.model.providerCode,
            offline: transcript.model.offline,
            fallback: transcript.fallbackUsed,
            aiCallId: transcript.callId,
          },
        });
      } catch (error) {
        throw asFailure(error);
      }
    },

    async failOnboardingSource(ref: SourceRef, reason: string): Promise<void> {
      await tx(ref.tenantId, ({ em }) => failSource(em, ref.sourceId, reason));
      await announce(ref, ref.sourceId, 'failed');
    },

    /** Ensemble's own extraction over every source read, merged with the answers: the proposed draft. */
    async extractOnboardingDraft(input: OnboardingWorkflowInput): Promise<DraftOutcome> {
      try {
        const result = await tx(input.tenantId, ({ em }) => proposeDraft(em, input.sessionId));
        await announce(input, null, 'proposed');
        if (!result) return { status: 'skipped', fields: 0, cited: {}, issues: 0 };
        return { status: 'proposed', fields: Object.keys(result.provenance).length, cited: citedLabels(result.provenance), issues: result.issues.length };
      } catch (error) {
        throw asFailure(error);
      }
    },

    async failOnboardingSession(input: OnboardingWorkflowInput, reason: string): Promise<void> {
      await tx(input.tenantId, ({ em }) => failSession(em, input.sessionId, reason));
      await announce(input, null, 'failed');
    },
  };
}

export type OnboardingActivities = ReturnType<typeof createOnboardingActivities>;
