// Fixed-window counters for the public approval fields. The gateway forwards
// no client address, so the windows are per link (a valid token) and per
// process (everything, and bad tokens apart), which bounds both guessing and
// the load a single link can cause. In memory: each subgraph process counts
// its own calls.
import { AppError } from '@ensemble/tenancy/errors';

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export class RateLimiter {
  readonly #rule: RateLimit;
  readonly #maxKeys: number;
  readonly #now: () => number;
  #windows = new Map<string, { start: number; count: number }>();

  constructor(rule: RateLimit, options: { maxKeys?: number; now?: () => number } = {}) {
    this.#rule = rule;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Counts one call for `key`; false once the window's limit is spent. */
  take(key: string): boolean {
    const now = this.#now();
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.#rule.windowMs) {
      if (!window && this.#windows.size >= this.#maxKeys) this.#evict(now);
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return window.count <= this.#rule.limit;
  }

  #evict(now: number): void {
    for (const [key, w] of this.#windows) if (now - w.start >= this.#rule.windowMs) this.#windows.delete(key);
    // Still full: drop the oldest windows (Map keeps insertion order).
    for (const key of this.#windows.keys()) {
      if (this.#windows.size < this.#maxKeys) break;
      this.#windows.delete(key);
    }
  }
}

export function rateLimited(): AppError {
  return new AppError('RATE_LIMITED', 'Too many attempts: please wait a minute and try again');
}
