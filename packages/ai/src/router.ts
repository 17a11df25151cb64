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
//      when no model answered.
// The router holds nothing between requests: each prompt is the requester's.
import { v7 as uuidv7 } from 'uuid';
import { AI_TASKS, type AiTask } from '@ensemble/db/vocabulary';
import { AppError, badInput } from '@ensemble/tenancy/errors';
import { estimateCredits, type CreditRate } from './offline-model.ts';
import { createProvider as defaultCreateProvider } from './providers/providers.ts';
import {
  ProviderCallError,
  estimateTokenCount,
  promptText,
  type AiPrompt,
  type ProviderAdapter,
  type ProviderConfig,
  type ProviderKind,
  type StreamEvent,
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
export interface CreditHooks {
  /** before any call; may throw INSUFFICIENT_CREDITS, which the router passes on untouched */
  reserve(input: { tenantId: string; task: AiTask; amount: number; batch: boolean }): Promise<CreditReservation>;
  /** after a model answered, with the credits it used at full price; returns the credits actually charged (default: `credits`) */
  settle(reservation: CreditReservation, input: { credits: number; completion: AiCompletion }): Promise<number | void>;
  /** no model answered: the whole reservation goes back */
  release(reservation: CreditReservation, error: unknown): Promise<void>;
}

export interface AiRouterDeps {
  loadRoute(task: AiTask, tenantId: string): Promise<RoutePlan>;
  /** the provider's API key in clear, or null when none is stored */
  loadProviderKey(providerId: string, tenantId: string): Promise<string | null>;
  recordCall(call: AiCallRecord): Promise<void>;
  /** default credit hooks (a request may bring its own) */
  credits?: CreditHooks;
  /** deadline of one attempt (default 45 s) */
  timeoutMs?: number;
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

export interface AiCompletion {
  text: string;
  title: string;
  body: string;
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

export interface AiRouter {
  generate(request: GenerateRequest, credits?: CreditHooks): Promise<AiCompletion>;
}

const DEFAULT_TIMEOUT_MS = 45_000;
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

export function createAiRouter(deps: AiRouterDeps): AiRouter {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetryAfterMs = deps.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const makeProvider = deps.createProvider ?? defaultCreateProvider;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = deps.now ?? (() => performance.now());

  function why(candidate: AiModelCandidate, plan: RoutePlan): string | null {
    if (!candidate.active) return 'model inactive';
    if (!candidate.provider.active) return 'provider inactive';
    if (plan.allowedModelIds && !plan.allowedModelIds.has(candidate.modelId)) return "not in the client's plan";
    if (candidate.provider.kind !== 'offline' && !candidate.provider.hasKey) return 'provider has no API key';
    return null;
  }

  return {
    async generate(request: GenerateRequest, requestCredits?: CreditHooks): Promise<AiCompletion> {
      checkRequest(request);
      const credits = requestCredits ?? deps.credits;
      const batch = request.batch ?? false;
      const plan = await deps.loadRoute(request.task, request.tenantId);

      // The client's choice (this request's, else the stored one) goes first.
      const preferred = request.preferredModelId
        ? [...plan.chain, ...(plan.preferred ? [plan.preferred] : [])].find((c) => c.modelId === request.preferredModelId) ?? null
        : plan.preferred;
      const ordered = preferred ? [preferred, ...plan.chain.filter((c) => c.modelId !== preferred.modelId)] : plan.chain;
      const skipped: AiCompletion['skipped'] = [];
      const usable: AiModelCandidate[] = [];
      for (const candidate of ordered) {
        const reason = why(candidate, plan);
        if (reason) skipped.push({ modelCode: candidate.modelCode, reason });
        else usable.push(candidate);
      }
      if (usable.length === 0) {
        const detail = skipped.length ? skipped.map((s) => `${s.modelCode} (${s.reason})`).join(', ') : 'the route is empty';
        throw new AppError('INTERNAL_SERVER_ERROR', `No AI model is available for the ${request.task} task: ${detail}.`, { reason: 'AI_NO_MODEL' });
      }

      // Reserve for the dearest usable model, so whichever answers is covered.
      const inputEstimate = Math.max(estimateTokenCount(promptText(request.prompt)), request.estimatedInputTokens ?? 0);
      const estimate = Math.max(...usable.map((c) => estimateCredits({ inputTokens: inputEstimate, outputTokens: request.maxTokens }, c.creditRate ?? NO_RATE)));
      const reservation = credits ? await credits.reserve({ tenantId: request.tenantId, task: request.task, amount: estimate, batch }) : null;

      const attempts: AiAttempt[] = [];
      let previousCallId: string | null = null;
      let answered = false;
      let streamed = false;
      const record = async (candidate: AiModelCandidate, call: Omit<AiCallRecord, 'tenantId' | 'task' | 'modelId' | 'providerCode' | 'fallbackFrom' | 'reservationId' | 'contentItemId' | 'batch'>) => {
        await deps.recordCall({
          ...call,
          tenantId: request.tenantId,
          task: request.task,
          modelId: candidate.modelId,
          providerCode: candidate.provider.code,
          fallbackFrom: previousCallId,
          reservationId: reservation?.reservationId ?? null,
          contentItemId: request.contentItemId ?? null,
          batch,
        });
        attempts.push({ callId: call.id, modelCode: candidate.modelCode, providerCode: candidate.provider.code, outcome: call.outcome, latencyMs: call.latencyMs, error: call.error });
        previousCallId = call.id;
      };
      const failed = (candidate: AiModelCandidate, error: ProviderCallError, latencyMs: number) => record(candidate, {
        id: uuidv7(), inputTokens: 0, outputTokens: 0, costMinor: 0, costCurrency: candidate.currency, credits: 0,
        latencyMs, outcome: outcomeOf(error), error: recordedError(error),
      });

      try {
        for (const candidate of usable) {
          let apiKey: string | null = null;
          if (candidate.provider.kind !== 'offline') {
            try {
              apiKey = await deps.loadProviderKey(candidate.provider.id, request.tenantId);
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
            if (streamed) {
              request.onEvent?.({ type: 'restart', modelCode: candidate.modelCode });
              streamed = false;
            }
            const started = now();
            const controller = new AbortController();
            const timer = setTimeout(() => controller.abort(), timeoutMs);
            let outcome: { ok: true; result: Awaited<ReturnType<ProviderAdapter['complete']>> } | { ok: false; error: ProviderCallError };
            try {
              const result = await provider.complete({
                model: candidate.modelCode,
                prompt: request.prompt,
                maxTokens: request.maxTokens,
                stream: request.stream ?? false,
                signal: controller.signal,
                timeoutMs: timeoutMs + 1_000,
                onDelta: (text) => {
                  streamed = true;
                  request.onEvent?.({ type: 'delta', text });
                },
              });
              outcome = { ok: true, result };
            } catch (error) {
              if (!(error instanceof ProviderCallError)) throw error;
              outcome = { ok: false, error: controller.signal.aborted && error.kind !== 'timeout'
                ? new ProviderCallError('timeout', `${candidate.provider.name} (${candidate.provider.code}) did not answer within ${timeoutMs} ms`, { cause: error })
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
            const { result } = outcome;
            const split = result.title !== undefined && result.body !== undefined ? { title: result.title, body: result.body } : splitTitle(result.text);
            // Full price: the ledger applies the night-batch discount when it settles a batch reservation.
            const used = estimateCredits({ inputTokens: result.inputTokens, outputTokens: result.outputTokens }, candidate.creditRate ?? NO_RATE);
            const callCredits = reservation ? Math.min(used, reservation.amount) : used;
            const fallbackUsed = attempts.length > 0 && attempts[0]!.modelCode !== candidate.modelCode;
            const completion: AiCompletion = {
              text: result.text,
              title: split.title,
              body: split.body,
              model: {
                id: candidate.modelId, code: candidate.modelCode, name: candidate.modelName, tier: candidate.tier,
                providerCode: candidate.provider.code, providerKind: candidate.provider.kind, offline: result.offline,
              },
              usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens, estimated: result.estimatedUsage },
              credits: callCredits,
              costMinor: result.offline ? 0 : callCost(candidate, result.inputTokens, result.outputTokens),
              costCurrency: candidate.currency,
              latencyMs,
              callId: uuidv7(),
              fallbackUsed,
              reservationId: reservation?.reservationId ?? null,
              attempts,
              skipped,
            };
            let charged = callCredits;
            let settleError: unknown = null;
            if (reservation && credits) {
              try {
                const settled = await credits.settle(reservation, { credits: callCredits, completion });
                if (typeof settled === 'number') charged = settled;
              } catch (error) {
                // The reservation stays open for the caller's retry (or expiry); the call itself happened.
                settleError = error;
                charged = 0;
              }
            }
            completion.credits = charged;
            await record(candidate, {
              id: completion.callId,
              inputTokens: result.inputTokens,
              outputTokens: result.outputTokens,
              costMinor: completion.costMinor,
              costCurrency: candidate.currency,
              credits: charged,
              latencyMs,
              outcome: fallbackUsed ? 'fallback' : 'ok',
              error: settleError ? `settlement_failed: ${(settleError as Error).message}`.slice(0, 1000) : null,
            });
            if (settleError) throw settleError;
            return completion;
          }
        }
        const summary = attempts.map((a) => `${a.modelCode}: ${a.error ?? a.outcome}`).join('; ');
        throw new AppError('INTERNAL_SERVER_ERROR', `No AI model could answer the ${request.task} request. ${summary}`, {
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
    },
  };
}
