// T11: AI routing. A task (generation, orchestration, …) has a route: an
// ordered fallback chain of models. For one request the router
//   1. reads the route, the client's plan and its own model choice,
//   2. keeps the models it may use (active, allowed by the plan, provider
//      configured) with the client's choice first,
//   3. reserves credits for the most expensive of them (B2),
//   4. calls them in order: a 429 is retried once on the same model when its
//      retry-after is short, otherwise — and on 5xx, timeouts, network errors
//      and rejected keys — the next model is tried,
//   5. records every attempt (tenants.ai_call: tenant, task, model, tokens,
//      cost, credits, latency, outcome, the attempt it fell back from),
//   6. settles the reservation with the credits actually used, or voids it
//      when no model answered. The answer's record goes to the settle hook,
//      which writes it in the settlement's transaction: a worker killed right
//      after the charge commits cannot leave a charge (or an item naming its
//      call) without the call. The router's own write of that record follows
//      and finds it there (recordCall is idempotent).
// The router holds nothing between requests: each prompt is the requester's.
//
// generate() and transcribe() (task speech_to_text: a recording in, its text
// out) share that one runner; only the provider call, the estimate and the
// shape of the answer differ. A transcription is charged per started minute of
// audio and records the recording's seconds; the built-in offline engine
// (pocketsphinx, US English) is left out for another language, and when
// nothing else is left the answer says plainly that no offline engine covers it.
import { v7 as uuidv7 } from 'uuid';
import { AI_TASKS, type AiTask } from '@ensemble/db/vocabulary';
import { AppError, badInput } from '@ensemble/tenancy/errors';
import {
  AUDIO_MEDIA_TYPES,
  SPEECH_MAX_DURATION_SECONDS,
  checkRecording,
  noOfflineSpeechEngineMessage,
  offlineSpeechCovers,
  speechLanguage,
} from '@ensemble/ingest/speech';
import { estimateCredits, type CreditRate } from './offline-model.ts';
import { createProvider as defaultCreateProvider } from './providers/providers.ts';
import {
  ProviderCallError,
  estimateTokenCount,
  promptText,
  type AiPrompt,
  type CompletionResult,
  type ProviderAdapter,
  type ProviderConfig,
  type ProviderKind,
  type StreamEvent,
  type TranscriptionResult,
} from './providers/provider.ts';

export type { AiTask };
export type AiCallOutcome = 'ok' | 'error' | 'timeout' | 'refused' | 'fallback';

export interface AiProviderInfo {
  id: string;
  code: string;
  kind: ProviderKind;
  name: string;
  baseUrl: string | null;
  active: boolean;
  /** an API key is stored for it (the offline provider needs none) */
  hasKey: boolean;
}

export interface AiModelCandidate {
  modelId: string;
  modelCode: string;
  modelName: string;
  tier: 'premium' | 'standard';
  active: boolean;
  inputPricePerMtokMinor: number;
  outputPricePerMtokMinor: number;
  currency: string;
  capabilities: string[];
  provider: AiProviderInfo;
  /** credits per million tokens for this task and the model's tier (billing.credit_rate); null when none is defined */
  creditRate: CreditRate | null;
}

export interface RoutePlan {
  /** the task's route, first choice first (inactive route rows left out) */
  chain: AiModelCandidate[];
  /** the model the client chose for the task, if any */
  preferred: AiModelCandidate | null;
  /** models the client's plan allows; null: no plan restriction (platform work) */
  allowedModelIds: ReadonlySet<string> | null;
}

export interface AiCallRecord {
  id: string;
  tenantId: string;
  task: AiTask;
  modelId: string | null;
  providerCode: string;
  inputTokens: number;
  outputTokens: number;
  /** seconds of audio a speech-to-text call transcribed (null for text calls, and when the engine reports none) */
  audioSeconds: number | null;
  costMinor: number;
  costCurrency: string;
  credits: number;
  latencyMs: number;
  outcome: AiCallOutcome;
  /** the failed attempt this one followed */
  fallbackFrom: string | null;
  reservationId: string | null;
  contentItemId: string | null;
  batch: boolean;
  error: string | null;
}

export interface CreditReservation {
  reservationId: string;
  amount: number;
}

/** How a caller pays for calls (the billing ledger, or a workflow's own idempotent steps). */
export interface CreditHooks<A = AiCompletion> {
  /** before any call; may throw INSUFFICIENT_CREDITS, which the router passes on untouched */
  reserve(input: { tenantId: string; task: AiTask; amount: number; batch: boolean }): Promise<CreditReservation>;
  /**
   * after a model answered, with the credits it used at full price; returns the credits actually charged (default: `credits`).
   * `call` is the answer's ai_call row: the hook writes it, with the credits it charged, in the settlement's transaction.
   */
  settle(reservation: CreditReservation, input: { credits: number; completion: A; call: AiCallRecord }): Promise<number | void>;
  /** no model answered: the whole reservation goes back */
  release(reservation: CreditReservation, error: unknown): Promise<void>;
}

export interface AiRouterDeps {
  loadRoute(task: AiTask, tenantId: string): Promise<RoutePlan>;
  /** the provider's API key in clear, or null when none is stored */
  loadProviderKey(providerId: string, tenantId: string): Promise<string | null>;
  /** idempotent: a call already written (by the settle hook, in the settlement's transaction) is left as it is */
  recordCall(call: AiCallRecord): Promise<void>;
  /** default credit hooks (a request may bring its own) */
  credits?: CreditHooks<AiAnswer>;
  /** deadline of one attempt (default 45 s) */
  timeoutMs?: number;
  /** deadline of one speech-to-text attempt (default 120 s: a recording of up to 10 minutes is uploaded first) */
  transcriptionTimeoutMs?: number;
  /** the longest retry-after honoured before moving to the next model (default 2 s) */
  maxRetryAfterMs?: number;
  createProvider?: (config: ProviderConfig) => ProviderAdapter;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface GenerateRequest {
  tenantId: string;
  task: AiTask;
  prompt: AiPrompt;
  maxTokens: number;
  channel?: string;
  stream?: boolean;
  onEvent?: (event: StreamEvent) => void;
  /** tried first when the plan allows it (else the client's stored choice) */
  preferredModelId?: string | null;
  /** the caller's own estimate of the prompt's size, when larger than the text's */
  estimatedInputTokens?: number;
  batch?: boolean;
  contentItemId?: string | null;
}

export interface AiAttempt {
  callId: string;
  modelCode: string;
  providerCode: string;
  outcome: AiCallOutcome;
  latencyMs: number;
  error: string | null;
}

export interface TranscribeRequest {
  tenantId: string;
  /** the recording (WAV, MP3, OGG, WebM or M4A) */
  audio: Buffer;
  /** BCP 47 tag of the spoken language */
  locale: string;
  /** the recording's name without extension, as sent to the provider (default "recording") */
  name?: string;
  /** tried first when the plan allows it (else the client's stored choice) */
  preferredModelId?: string | null;
  /** default 25 MB */
  maxBytes?: number;
  /** the longest recording charged for (default 600 s, the offline engine's limit) */
  maxDurationSeconds?: number;
}

/** What every answer of the router says about the call. */
export interface AiAnswer {
  model: { id: string; code: string; name: string; tier: 'premium' | 'standard'; providerCode: string; providerKind: ProviderKind; offline: boolean };
  usage: { inputTokens: number; outputTokens: number; estimated: boolean };
  credits: number;
  costMinor: number;
  costCurrency: string;
  latencyMs: number;
  /** the ai_call row of the answer */
  callId: string;
  /** another model than the first tried answered */
  fallbackUsed: boolean;
  reservationId: string | null;
  /** every attempt, the answer last */
  attempts: AiAttempt[];
  /** models of the route left out, and why */
  skipped: Array<{ modelCode: string; reason: string }>;
}

export interface AiCompletion extends AiAnswer {
  text: string;
  title: string;
  body: string;
}

export interface AiTranscription extends AiAnswer {
  text: string;
  /** BCP 47 tag of the transcript's language */
  language: string;
  /** the recognition engine: pocketsphinx offline, else the provider's model */
  engine: string;
  durationSeconds: number | null;
}

export interface AiRouter {
  generate(request: GenerateRequest, credits?: CreditHooks): Promise<AiCompletion>;
  /** speech to text through the route of task speech_to_text */
  transcribe(request: TranscribeRequest, credits?: CreditHooks<AiTranscription>): Promise<AiTranscription>;
}

const DEFAULT_TIMEOUT_MS = 45_000;
const DEFAULT_TRANSCRIPTION_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_RETRY_AFTER_MS = 2_000;
const MAX_OUTPUT_TOKENS = 32_000;
const NO_RATE: CreditRate = { inputPerMtok: 0, outputPerMtok: 0 };

/** Splits a model's Markdown answer into its title (a first heading line) and body. */
export function splitTitle(text: string): { title: string; body: string } {
  const trimmed = text.replace(/^\s+/, '');
  const newline = trimmed.indexOf('\n');
  const first = (newline < 0 ? trimmed : trimmed.slice(0, newline)).trim();
  const rest = newline < 0 ? '' : trimmed.slice(newline + 1).trim();
  const heading = /^#{1,3}\s+(.+?)\s*#*$/.exec(first);
  if (heading) return { title: heading[1]!.replace(/\*\*/g, '').trim(), body: rest };
  const label = /^(?:title|titre|subject|objet)\s*:\s*(.+)$/i.exec(first);
  if (label && rest) return { title: label[1]!.trim(), body: rest };
  return { title: '', body: trimmed.trim() };
}

/** Cost in minor units of the model's currency, from its prices per million tokens. */
export function callCost(model: Pick<AiModelCandidate, 'inputPricePerMtokMinor' | 'outputPricePerMtokMinor'>, inputTokens: number, outputTokens: number): number {
  return Math.ceil((inputTokens * model.inputPricePerMtokMinor + outputTokens * model.outputPricePerMtokMinor) / 1_000_000);
}

function modelOf(candidate: AiModelCandidate, offline: boolean): AiAnswer['model'] {
  return {
    id: candidate.modelId, code: candidate.modelCode, name: candidate.modelName, tier: candidate.tier,
    providerCode: candidate.provider.code, providerKind: candidate.provider.kind, offline,
  };
}

function outcomeOf(error: ProviderCallError): AiCallOutcome {
  if (error.kind === 'timeout') return 'timeout';
  if (error.kind === 'bad_key' || error.kind === 'rate_limited') return 'refused';
  return 'error';
}

/** The stored error: a stable prefix (bad_key, rate_limited, …) the usage view groups by, then the explanation. */
function recordedError(error: ProviderCallError): string {
  return `${error.kind}: ${error.message}`.slice(0, 1000);
}

function checkRequest(request: GenerateRequest): void {
  if (!(AI_TASKS as readonly string[]).includes(request.task)) throw badInput(`unknown AI task "${request.task}"`, 'task');
  if (!Number.isSafeInteger(request.maxTokens) || request.maxTokens < 1 || request.maxTokens > MAX_OUTPUT_TOKENS) {
    throw badInput(`maxTokens must be a whole number between 1 and ${MAX_OUTPUT_TOKENS}`, 'maxTokens');
  }
  if (!request.prompt || request.prompt.messages.length === 0 || request.prompt.messages.every((m) => !m.content.trim())) {
    throw badInput('the prompt has no message', 'prompt');
  }
}

/** Why a model of the route cannot serve this tenant now (null: it can). Also the onboarding screen's view of the route. */
export function unusableReason(candidate: AiModelCandidate, plan: Pick<RoutePlan, 'allowedModelIds'>): string | null {
  if (!candidate.active) return 'model inactive';
  if (!candidate.provider.active) return 'provider inactive';
  if (plan.allowedModelIds && !plan.allowedModelIds.has(candidate.modelId)) return "not in the client's plan";
  if (candidate.provider.kind !== 'offline' && !candidate.provider.hasKey) return 'provider has no API key';
  return null;
}

/** Credits of a transcription: per started minute of audio (billing.credit_rate unit audio_minute), at least 1 like any call. */
export function transcriptionCredits(seconds: number, rate: CreditRate | null): number {
  return Math.max(1, Math.ceil(Math.max(0, seconds) / 60) * (rate?.perAudioMinute ?? 0));
}

/** What one task's request brings to the shared route runner. */
interface RouteRun<R, A extends AiAnswer> {
  tenantId: string;
  task: AiTask;
  batch: boolean;
  contentItemId: string | null;
  preferredModelId: string | null | undefined;
  credits: CreditHooks<A> | undefined;
  timeoutMs: number;
  /** a reason this request cannot use a model the tenant may otherwise use (null: it can) */
  unfit?(candidate: AiModelCandidate): string | null;
  /** the error when no model is left, if the task has a plainer one than AI_NO_MODEL */
  noModel?(skipped: AiAnswer['skipped']): Error | null;
  /** credits to hold for the dearest usable model */
  estimate(usable: AiModelCandidate[]): number;
  /** one attempt on one model */
  call(provider: ProviderAdapter, candidate: AiModelCandidate, signal: AbortSignal): Promise<R>;
  /** the answer of a model, before settlement */
  answer(result: R, candidate: AiModelCandidate, meta: AnswerMeta): { answer: A; usage: Pick<AiCallRecord, 'inputTokens' | 'outputTokens' | 'audioSeconds'> };
}

type AnswerMeta = Pick<AiAnswer, 'latencyMs' | 'callId' | 'fallbackUsed' | 'reservationId' | 'attempts' | 'skipped' | 'credits'>;

export function createAiRouter(deps: AiRouterDeps): AiRouter {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transcriptionTimeoutMs = deps.transcriptionTimeoutMs ?? DEFAULT_TRANSCRIPTION_TIMEOUT_MS;
  const maxRetryAfterMs = deps.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const makeProvider = deps.createProvider ?? defaultCreateProvider;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = deps.now ?? (() => performance.now());

  // Steps 1–6 of the header, for every task: only the call itself and the shape of the answer differ.
  async function runRoute<R, A extends AiAnswer>(run: RouteRun<R, A>): Promise<A> {
    const { credits, batch } = run;
    const plan = await deps.loadRoute(run.task, run.tenantId);

    // The client's choice (this request's, else the stored one) goes first.
    const preferred = run.preferredModelId
      ? [...plan.chain, ...(plan.preferred ? [plan.preferred] : [])].find((c) => c.modelId === run.preferredModelId) ?? null
      : plan.preferred;
    const ordered = preferred ? [preferred, ...plan.chain.filter((c) => c.modelId !== preferred.modelId)] : plan.chain;
    const skipped: AiAnswer['skipped'] = [];
    const usable: AiModelCandidate[] = [];
    for (const candidate of ordered) {
      const reason = unusableReason(candidate, plan) ?? run.unfit?.(candidate) ?? null;
      if (reason) skipped.push({ modelCode: candidate.modelCode, reason });
      else usable.push(candidate);
    }
    if (usable.length === 0) {
      const plain = run.noModel?.(skipped);
      if (plain) throw plain;
      const detail = skipped.length ? skipped.map((s) => `${s.modelCode} (${s.reason})`).join(', ') : 'the route is empty';
      throw new AppError('INTERNAL_SERVER_ERROR', `No AI model is available for the ${run.task} task: ${detail}.`, { reason: 'AI_NO_MODEL' });
    }

    // Reserve for the dearest usable model, so whichever answers is covered.
    const reservation = credits ? await credits.reserve({ tenantId: run.tenantId, task: run.task, amount: run.estimate(usable), batch }) : null;

    const attempts: AiAttempt[] = [];
    let previousCallId: string | null = null;
    let answered = false;
    const callOf = (candidate: AiModelCandidate, call: Omit<AiCallRecord, 'tenantId' | 'task' | 'modelId' | 'providerCode' | 'fallbackFrom' | 'reservationId' | 'contentItemId' | 'batch'>): AiCallRecord => ({
      ...call,
      tenantId: run.tenantId,
      task: run.task,
      modelId: candidate.modelId,
      providerCode: candidate.provider.code,
      fallbackFrom: previousCallId,
      reservationId: reservation?.reservationId ?? null,
      contentItemId: run.contentItemId,
      batch,
    });
    const record = async (candidate: AiModelCandidate, call: AiCallRecord) => {
      await deps.recordCall(call);
      attempts.push({ callId: call.id, modelCode: candidate.modelCode, providerCode: candidate.provider.code, outcome: call.outcome, latencyMs: call.latencyMs, error: call.error });
      previousCallId = call.id;
    };
    const failed = (candidate: AiModelCandidate, error: ProviderCallError, latencyMs: number) => record(candidate, callOf(candidate, {
      id: uuidv7(), inputTokens: 0, outputTokens: 0, audioSeconds: null, costMinor: 0, costCurrency: candidate.currency, credits: 0,
      latencyMs, outcome: outcomeOf(error), error: recordedError(error),
    }));

    try {
      for (const candidate of usable) {
        let apiKey: string | null = null;
        if (candidate.provider.kind !== 'offline') {
          try {
            apiKey = await deps.loadProviderKey(candidate.provider.id, run.tenantId);
          } catch (error) {
            await failed(candidate, new ProviderCallError('bad_key', `the stored key of ${candidate.provider.name} (${candidate.provider.code}) cannot be read: ${(error as Error).message}`), 0);
            continue;
          }
        }
        let provider: ProviderAdapter;
        try {
          provider = makeProvider({ kind: candidate.provider.kind, code: candidate.provider.code, name: candidate.provider.name, baseUrl: candidate.provider.baseUrl, apiKey });
        } catch (error) {
          if (!(error instanceof ProviderCallError)) throw error;
          await failed(candidate, error, 0);
          continue;
        }

        for (let retried = false; ;) {
          const started = now();
          const controller = new AbortController();
          const timer = setTimeout(() => controller.abort(), run.timeoutMs);
          let outcome: { ok: true; result: R } | { ok: false; error: ProviderCallError };
          try {
            outcome = { ok: true, result: await run.call(provider, candidate, controller.signal) };
          } catch (error) {
            if (!(error instanceof ProviderCallError)) {
              // Not the provider's failure (the request's own fault, a bug): recorded, then passed on untouched.
              await failed(candidate, new ProviderCallError('bad_request', (error as Error).message ?? String(error)), Math.max(0, Math.round(now() - started)));
              throw error;
            }
            outcome = { ok: false, error: controller.signal.aborted && error.kind !== 'timeout'
              ? new ProviderCallError('timeout', `${candidate.provider.name} (${candidate.provider.code}) did not answer within ${run.timeoutMs} ms`, { cause: error })
              : error };
          } finally {
            clearTimeout(timer);
          }
          const latencyMs = Math.max(0, Math.round(now() - started));

          if (!outcome.ok) {
            await failed(candidate, outcome.error, latencyMs);
            const wait = outcome.error.retryAfterMs;
            if (outcome.error.kind === 'rate_limited' && !retried && wait !== null && wait <= maxRetryAfterMs) {
              retried = true;
              await sleep(wait);
              continue;
            }
            break;
          }

          // A model answered.
          answered = true;
          const fallbackUsed = attempts.length > 0 && attempts[0]!.modelCode !== candidate.modelCode;
          const { answer, usage } = run.answer(outcome.result, candidate, {
            latencyMs, callId: uuidv7(), fallbackUsed, reservationId: reservation?.reservationId ?? null, attempts, skipped, credits: 0,
          });
          // Full price: the ledger applies the night-batch discount when it settles a batch reservation.
          const callCredits = reservation ? Math.min(answer.credits, reservation.amount) : answer.credits;
          answer.credits = callCredits;
          const call = callOf(candidate, {
            id: answer.callId,
            ...usage,
            costMinor: answer.costMinor,
            costCurrency: candidate.currency,
            credits: callCredits,
            latencyMs,
            outcome: fallbackUsed ? 'fallback' : 'ok',
            error: null,
          });
          let charged = callCredits;
          let settleError: unknown = null;
          if (reservation && credits) {
            try {
              const settled = await credits.settle(reservation, { credits: callCredits, completion: answer, call });
              if (typeof settled === 'number') charged = settled;
            } catch (error) {
              // The reservation stays open for the caller's retry (or expiry); the call itself happened.
              settleError = error;
              charged = 0;
            }
          }
          answer.credits = charged;
          // Written already when the settlement committed; otherwise (no credits, a failed settlement) here.
          await record(candidate, {
            ...call,
            credits: charged,
            error: settleError ? `settlement_failed: ${(settleError as Error).message}`.slice(0, 1000) : null,
          });
          if (settleError) throw settleError;
          return answer;
        }
      }
      const summary = [
        ...attempts.map((a) => `${a.modelCode}: ${a.error ?? a.outcome}`),
        ...skipped.map((s) => `${s.modelCode}: skipped (${s.reason})`),
      ].join('; ');
      throw new AppError('INTERNAL_SERVER_ERROR', `No AI model could answer the ${run.task} request. ${summary}`, {
        reason: 'AI_UNAVAILABLE',
        attempts: attempts.map((a) => ({ model: a.modelCode, provider: a.providerCode, outcome: a.outcome, error: a.error })),
      });
    } catch (error) {
      if (reservation && credits && !answered) {
        // The original failure is what the caller needs; a hold that cannot be released now expires on its own.
        await credits.release(reservation, error).catch(() => undefined);
      }
      throw error;
    }
  }

  return {
    async generate(request: GenerateRequest, requestCredits?: CreditHooks): Promise<AiCompletion> {
      checkRequest(request);
      const inputEstimate = Math.max(estimateTokenCount(promptText(request.prompt)), request.estimatedInputTokens ?? 0);
      let streamed = false;
      return runRoute<CompletionResult, AiCompletion>({
        tenantId: request.tenantId,
        task: request.task,
        batch: request.batch ?? false,
        contentItemId: request.contentItemId ?? null,
        preferredModelId: request.preferredModelId,
        credits: requestCredits ?? deps.credits,
        timeoutMs,
        estimate: (usable) => Math.max(...usable.map((c) => estimateCredits({ inputTokens: inputEstimate, outputTokens: request.maxTokens }, c.creditRate ?? NO_RATE))),
        call(provider, candidate, signal) {
          if (streamed) {
            request.onEvent?.({ type: 'restart', modelCode: candidate.modelCode });
            streamed = false;
          }
          return provider.complete({
            model: candidate.modelCode,
            prompt: request.prompt,
            maxTokens: request.maxTokens,
            stream: request.stream ?? false,
            signal,
            timeoutMs: timeoutMs + 1_000,
            onDelta: (text) => {
              streamed = true;
              request.onEvent?.({ type: 'delta', text });
            },
          });
        },
        answer(result, candidate, meta) {
          const split = result.title !== undefined && result.body !== undefined ? { title: result.title, body: result.body } : splitTitle(result.text);
          return {
            answer: {
              ...meta,
              text: result.text,
              title: split.title,
              body: split.body,
              model: modelOf(candidate, result.offline),
              usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens, estimated: result.estimatedUsage },
              credits: estimateCredits({ inputTokens: result.inputTokens, outputTokens: result.outputTokens }, candidate.creditRate ?? NO_RATE),
              costMinor: result.offline ? 0 : callCost(candidate, result.inputTokens, result.outputTokens),
              costCurrency: candidate.currency,
            },
            usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens, audioSeconds: null },
          };
        },
      });
    },

    async transcribe(request: TranscribeRequest, requestCredits?: CreditHooks<AiTranscription>): Promise<AiTranscription> {
      const language = speechLanguage(request.locale);
      const container = checkRecording(request.audio, request.maxBytes);
      const maxSeconds = request.maxDurationSeconds ?? SPEECH_MAX_DURATION_SECONDS;
      return runRoute<TranscriptionResult, AiTranscription>({
        tenantId: request.tenantId,
        task: 'speech_to_text',
        batch: false,
        contentItemId: null,
        preferredModelId: request.preferredModelId,
        credits: requestCredits ?? deps.credits,
        timeoutMs: transcriptionTimeoutMs,
        // The offline engine has a US English model only: for another language it is not tried at all.
        unfit: (candidate) => (candidate.provider.kind === 'offline' && !offlineSpeechCovers(request.locale) ? `no offline engine covers ${language}` : null),
        // Nothing left because the language is not covered: say so plainly (the user's recording, not a server fault).
        noModel: (skipped) => (skipped.some((s) => s.reason.startsWith('no offline engine covers')) ? badInput(noOfflineSpeechEngineMessage(request.locale), 'locale') : null),
        // Any recording is refused past the limit, so the limit bounds the hold.
        estimate: (usable) => Math.max(...usable.map((c) => transcriptionCredits(maxSeconds, c.creditRate))),
        call(provider, candidate, signal) {
          if (!provider.transcribe) throw new ProviderCallError('bad_request', `${candidate.provider.name} (${candidate.provider.code}) has no speech-to-text API`);
          return provider.transcribe({
            model: candidate.modelCode,
            audio: request.audio,
            filename: `${request.name ?? 'recording'}.${container}`,
            mediaType: AUDIO_MEDIA_TYPES[container],
            locale: request.locale,
            signal,
            timeoutMs: transcriptionTimeoutMs + 1_000,
          });
        },
        answer(result, candidate, meta) {
          const seconds = result.durationSeconds ?? 0;
          // Token-billed models are priced by the catalogue's per-token prices; duration-billed ones have no price column.
          const tokens = result.inputTokens + result.outputTokens > 0;
          return {
            answer: {
              ...meta,
              text: result.text,
              language: result.language,
              engine: result.engine,
              durationSeconds: result.durationSeconds,
              model: modelOf(candidate, result.offline),
              usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens, estimated: false },
              credits: transcriptionCredits(seconds, candidate.creditRate),
              costMinor: result.offline || !tokens ? 0 : callCost(candidate, result.inputTokens, result.outputTokens),
              costCurrency: candidate.currency,
            },
            usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens, audioSeconds: result.durationSeconds },
          };
        },
      });
    },
  };
}
