// Per-request batching: N entity references or N parents become one SQL
// statement (federation sends _entities in batches; dataloader groups them).
import DataLoader from 'dataloader';
import type { RequestContext } from './context.ts';

export function requestLoader<K, V>(ctx: RequestContext, name: string, load: (keys: readonly K[]) => Promise<Map<K, V>>): DataLoader<K, V | null> {
  let loader = ctx.memo.get(name) as DataLoader<K, V | null> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V | null>(async (keys) => {
      const found = await load(keys);
      return keys.map((k) => found.get(k) ?? null);
    });
    ctx.memo.set(name, loader);
  }
  return loader;
}
