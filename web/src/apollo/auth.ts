// Session tokens: the access token lives only in memory (a page reload or an
// XSS-readable store never holds it); the refresh token is kept in
// localStorage so a reload can resume the session through refreshSession.
import { addTypenameToDocument } from '@apollo/client/utilities';
import { print } from 'graphql';
import { REFRESH_SESSION_MUTATION } from '../modules/auth/auth.graphql.ts';
import type { AuthPayload } from '../modules/auth/auth.graphql.ts';
import { describeError } from './errors.ts';

const REFRESH_KEY = 'ensemble.refreshToken';
// With __typename, as Apollo would send it: the viewer in the answer is written to the cache through fragments.
const REFRESH_QUERY = print(addTypenameToDocument(REFRESH_SESSION_MUTATION));
/** Refresh a little before expiry so a request never leaves with a token about to lapse. */
const EXPIRY_MARGIN_MS = 30_000;

export const GRAPHQL_PATH = '/graphql';

type Listener = (event: 'signed-in' | 'refreshed' | 'signed-out') => void;

let accessToken: string | null = null;
let accessExpiresAt = 0;
let inFlightRefresh: Promise<AuthPayload | null> | null = null;
const listeners = new Set<Listener>();

function readRefreshToken(): string | null {
  try {
    return window.localStorage.getItem(REFRESH_KEY);
  } catch {
    return null;
  }
}

function writeRefreshToken(token: string | null): void {
  try {
    if (token) window.localStorage.setItem(REFRESH_KEY, token);
    else window.localStorage.removeItem(REFRESH_KEY);
  } catch {
    // Storage disabled (private mode): the session simply will not survive a reload.
  }
}

function emit(event: Parameters<Listener>[0]): void {
  for (const listener of listeners) listener(event);
}

export function onAuthChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function getAccessToken(): string | null {
  return accessToken;
}

export function getRefreshToken(): string | null {
  return readRefreshToken();
}

export function hasSession(): boolean {
  return accessToken !== null || readRefreshToken() !== null;
}

function accessTokenIsFresh(): boolean {
  return accessToken !== null && Date.now() < accessExpiresAt - EXPIRY_MARGIN_MS;
}

export function storeSession(payload: Pick<AuthPayload, 'accessToken' | 'refreshToken' | 'accessTokenExpiresAt'>, event: 'signed-in' | 'refreshed'): void {
  accessToken = payload.accessToken;
  const expires = Date.parse(payload.accessTokenExpiresAt);
  accessExpiresAt = Number.isFinite(expires) ? expires : Date.now() + 5 * 60_000;
  writeRefreshToken(payload.refreshToken);
  emit(event);
}

export function clearSession(): void {
  const had = accessToken !== null || readRefreshToken() !== null;
  accessToken = null;
  accessExpiresAt = 0;
  writeRefreshToken(null);
  if (had) emit('signed-out');
}

export class RefreshFailedError extends Error {
  readonly code: string;
  constructor(code: string) {
    super(`session refresh failed: ${code}`);
    this.code = code;
  }
}

async function requestRefresh(refreshToken: string): Promise<AuthPayload | null> {
  // A plain fetch, outside the Apollo link chain, so a failing refresh can never loop through the auth error handler.
  const response = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query: REFRESH_QUERY, variables: { refreshToken }, operationName: 'RefreshSession' }),
  });
  let body: { data?: { refreshSession?: AuthPayload } | null; errors?: Array<{ message?: string; extensions?: { code?: string } }> };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new RefreshFailedError('NETWORK');
  }
  const payload = body.data?.refreshSession;
  if (payload) return payload;
  const code = describeError(body.errors ?? []).code;
  // Only a rejected token ends the session; a network hiccup must not log the user out.
  if (code === 'UNAUTHENTICATED' || code === 'BAD_USER_INPUT' || code === 'NOT_FOUND' || code === 'FORBIDDEN') return null;
  throw new RefreshFailedError(response.ok ? code : 'NETWORK');
}

/**
 * Exchanges the stored refresh token for a new session. Concurrent callers
 * share one request (refresh tokens rotate: two parallel refreshes would
 * invalidate each other). Resolves null when there is no valid session.
 */
export function refreshSession(): Promise<AuthPayload | null> {
  if (inFlightRefresh) return inFlightRefresh;
  const refreshToken = readRefreshToken();
  if (!refreshToken) return Promise.resolve(null);
  inFlightRefresh = requestRefresh(refreshToken)
    .then((payload) => {
      if (payload) storeSession(payload, 'refreshed');
      else clearSession();
      return payload;
    })
    .finally(() => {
      inFlightRefresh = null;
    });
  return inFlightRefresh;
}

/** The access token to send now, refreshed first when it is missing or about to expire. */
export async function currentAccessToken(): Promise<string | null> {
  if (accessTokenIsFresh()) return accessToken;
  if (!readRefreshToken()) return accessToken;
  try {
    await refreshSession();
  } catch {
    // Network trouble: send what we have; the server's answer decides.
  }
  return accessToken;
}
