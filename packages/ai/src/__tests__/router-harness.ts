// The router's test harness: candidate models served by the local wire
// server, a fixed route plan, and credit hooks and a call log that remember
// what the router did with them.
import type { AiCallRecord, AiModelCandidate, AiRouterDeps, CreditHooks, CreditReservation, RoutePlan } from '../router.ts';
import type { ProviderKind } from '../providers/provider.ts';
import type { WireServer } from './wire-server.ts';

export interface Harness {
  deps: AiRouterDeps;
  calls: AiCallRecord[];
  /** settledCalls: the call records the settle hook was given to write with its settlement */
  credits: CreditHooks & { reserved: CreditReservation[]; settled: Array<{ id: string; credits: number }>; settledCalls: AiCallRecord[]; released: string[] };
  sleeps: number[];
}

/** Models and harnesses over the wire server `wire()` returns (started by the spec). */
export function routerKit(wire: () => WireServer) {
  const TENANT = '0190a5f4-0000-7000-8000-00000000c11e';
  const KEYS: Record<string, string> = {};
  let seq = 0;
  function model(providerKind: ProviderKind, prefix: string, code: string, extra: Partial<AiModelCandidate> = {}): AiModelCandidate {
    seq += 1;
    const dialect = providerKind === 'anthropic' ? 'anthropic' : providerKind === 'mistral' ? 'mistral' : 'openai';
    const providerId = `prov-${prefix}`;
    KEYS[providerId] = `sk-test-${prefix}-0123456789`;
    return {
      modelId: `model-${seq}-${code}`,
      modelCode: code,
      modelName: code.toUpperCase(),
      tier: 'standard',
      active: true,
      inputPricePerMtokMinor: 100,
      outputPricePerMtokMinor: 500,
      currency: 'USD',
      capabilities: ['text'],
      provider: { id: providerId, code: prefix, kind: providerKind, name: `Provider ${prefix}`, baseUrl: providerKind === 'offline' ? null : wire().baseUrl(prefix, dialect), active: true, hasKey: providerKind !== 'offline' },
      creditRate: { inputPerMtok: 60_000, outputPerMtok: 300_000 },
      ...extra,
    };
  }

  function harness(chain: AiModelCandidate[], options: { allowed?: string[]; preferred?: AiModelCandidate | null; timeoutMs?: number; keys?: Record<string, string | null> } = {}): Harness {
    const calls: AiCallRecord[] = [];
    const sleeps: number[] = [];
    const reserved: CreditReservation[] = [];
    const settled: Array<{ id: string; credits: number }> = [];
    const settledCalls: AiCallRecord[] = [];
    const released: string[] = [];
    const plan: RoutePlan = { chain, preferred: options.preferred ?? null, allowedModelIds: options.allowed ? new Set(options.allowed) : null };
    const credits = {
      reserved, settled, settledCalls, released,
      async reserve({ amount }: { amount: number }) {
        const r = { reservationId: `res-${reserved.length + 1}`, amount };
        reserved.push(r);
        return r;
      },
      async settle(reservation: CreditReservation, { credits: used, call }: { credits: number; call: AiCallRecord }) {
        settled.push({ id: reservation.reservationId, credits: used });
        settledCalls.push(call);
        return used;
      },
      async release(reservation: CreditReservation) {
        released.push(reservation.reservationId);
      },
    };
    return {
      calls, sleeps, credits,
      deps: {
        loadRoute: async () => plan,
        loadProviderKey: async (providerId) => (options.keys && providerId in options.keys ? options.keys[providerId]! : KEYS[providerId] ?? null),
        recordCall: async (call) => { calls.push(call); },
        credits,
        timeoutMs: options.timeoutMs ?? 5_000,
        maxRetryAfterMs: 1_500,
        sleep: async (ms) => { sleeps.push(ms); },
      },
    };
  }

  return { KEYS, TENANT, model, harness };
}
