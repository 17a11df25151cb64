// Small HTTP and graphql-ws helpers for the gateway tests.
import './env.ts';
import { createHmac } from 'node:crypto';
import { WebSocket } from 'ws';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import { signAccessToken, type Identity } from '@ensemble/tenancy/identity';

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export async function post(url: string, query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as GraphQLBody };
}

export const user = (tenantId: string, permissions: Identity['permissions'] = ['tenants:read', 'content:read']): Identity => ({
  kind: 'user', actorId: '00000000-0000-7000-8000-0000000000aa', tenantId, role: 'client_admin', permissions,
});

export async function bearer(identity: Identity): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signAccessToken(identity)}` };
}

/** An access token whose signature is valid but which expired a minute ago. */
export function expiredAccessToken(identity: Identity): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'HS256' });
  const body = b64({ kind: identity.kind, tid: identity.tenantId, role: identity.role, perms: identity.permissions, sub: identity.actorId, iss: 'ensemble', aud: 'ensemble-access', iat: now - 1000, exp: now - 60 });
  const sig = createHmac('sha256', process.env.JWT_SECRET!).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

export function wsClient(url: string, connectionParams: Record<string, unknown> = {}, origin?: string): Client {
  class OriginWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, origin ? { origin } : {});
    }
  }
  return createClient({ url, webSocketImpl: OriginWebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

export interface Collected {
  results: ExecutionResult[];
  error: unknown;
  done: Promise<void>;
  dispose(): void;
  /** resolves when `n` results have arrived (or the subscription ended) */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
}

export function collect(client: Client, query: string, variables?: Record<string, unknown>): Collected {
  const results: ExecutionResult[] = [];
  const waiters: (() => void)[] = [];
  let finish!: () => void;
  const done = new Promise<void>((r) => { finish = r; });
  const state: Collected = {
    results,
    error: undefined,
    done,
    dispose: () => {},
    waitFor(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} results (got ${results.length})`)), timeoutMs);
        const check = () => {
          if (results.length >= n || ended) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
    },
  };
  let ended = false;
  const wake = () => waiters.splice(0).forEach((w) => w());
  state.dispose = client.subscribe({ query, variables: variables ?? {} }, {
    next: (value) => { results.push(value as ExecutionResult); wake(); },
    error: (error) => { state.error = error; ended = true; wake(); finish(); },
    complete: () => { ended = true; wake(); finish(); },
  });
  return state;
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, stepMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
