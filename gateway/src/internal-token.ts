// The identity token the gateway forwards to subgraphs (60 s lifetime). One
// token per identity is reused for 30 s: signing per request costs CPU, and
// identical tokens let identical in-flight subgraph queries be deduplicated.
import { signInternalIdentity, type Identity } from '@ensemble/tenancy/identity';

const REUSE_MS = 30_000;
const MAX_ENTRIES = 10_000;

export class InternalTokens {
  readonly #secret: Uint8Array | undefined;
  readonly #cache = new Map<string, { token: Promise<string>; until: number }>();

  constructor(secret?: Uint8Array) {
    this.#secret = secret;
  }

  tokenFor(identity: Identity): Promise<string> {
    const key = JSON.stringify([identity.kind, identity.actorId, identity.tenantId, identity.role, identity.permissions]);
    const now = Date.now();
    const hit = this.#cache.get(key);
    if (hit && hit.until > now) return hit.token;
    if (this.#cache.size >= MAX_ENTRIES) this.#evict(now);
    const token = this.#secret ? signInternalIdentity(identity, this.#secret) : signInternalIdentity(identity);
    this.#cache.set(key, { token, until: now + REUSE_MS });
    token.catch(() => this.#cache.delete(key));
    return token;
  }

  #evict(now: number): void {
    for (const [key, entry] of this.#cache) if (entry.until <= now) this.#cache.delete(key);
    // Still full: drop the oldest half (Map keeps insertion order).
    if (this.#cache.size >= MAX_ENTRIES) {
      let n = Math.floor(MAX_ENTRIES / 2);
      for (const key of this.#cache.keys()) {
        if (n-- <= 0) break;
        this.#cache.delete(key);
      }
    }
  }
}
