// Editing a task's fallback chain before it is saved: pure functions over the
// ordered list of model ids, and the rule of which models may serve a task
// (the server checks the same: ai-admin.service.ts TASK_CAPABILITY).
import type { AiModel, AiTask } from './ai-admin.graphql.ts';

export const TASK_CAPABILITY: Record<AiTask, string> = {
  GENERATION: 'text',
  ORCHESTRATION: 'text',
  BATCH: 'batch',
  SPEECH_TO_TEXT: 'speech_to_text',
  IMAGE: 'image',
  EMBEDDINGS: 'embeddings',
  MODERATION: 'moderation',
};

export function canServe(model: Pick<AiModel, 'capabilities'>, task: AiTask): boolean {
  return model.capabilities.includes(TASK_CAPABILITY[task]);
}

/** Moves the item at `index` by `delta` places (−1 up, +1 down); out of range leaves the chain as it is. */
export function move<T>(chain: readonly T[], index: number, delta: number): T[] {
  const target = index + delta;
  if (index < 0 || index >= chain.length || target < 0 || target >= chain.length) return [...chain];
  const next = [...chain];
  [next[index], next[target]] = [next[target]!, next[index]!];
  return next;
}

export function removeAt<T>(chain: readonly T[], index: number): T[] {
  return chain.filter((_, i) => i !== index);
}

/** Why a model of the chain would be skipped at call time, or null when it would be called. */
export function skipReason(model: Pick<AiModel, 'active' | 'provider'>): 'inactive' | 'providerInactive' | 'noKey' | null {
  if (!model.active) return 'inactive';
  if (!model.provider.active) return 'providerInactive';
  if (model.provider.kind !== 'OFFLINE' && !model.provider.hasKey) return 'noKey';
  return null;
}

export function sameChain(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
