import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useApolloClient, useQuery } from '@apollo/client/react';
import { clearSession, getRefreshToken, onAuthChange, refreshSession, storeSession } from '../../apollo/auth.ts';
import { adoptUserLocale } from '../../i18n/i18n.ts';
import { LOGIN_MUTATION, LOGOUT_MUTATION, VIEWER_QUERY } from './auth.graphql.ts';
import type { AuthPayload } from './auth.graphql.ts';
import { SessionContext } from './useSession.ts';
import type { Session, SessionStatus } from './useSession.ts';

export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useApolloClient();
  const [status, setStatus] = useState<SessionStatus>(() => (getRefreshToken() ? 'restoring' : 'anonymous'));
  const [attempt, setAttempt] = useState(0);

  const accept = useCallback(
    (payload: AuthPayload) => {
      // The viewer travels with the tokens: keep it so the shell renders without another round trip.
      client.writeQuery({ query: VIEWER_QUERY, data: { viewer: payload.viewer } });
      adoptUserLocale(payload.viewer.user?.locale ?? payload.viewer.tenant.locale);
      setStatus('authenticated');
    },
    [client],
  );

  // Resume a stored session after a reload.
  useEffect(() => {
    if (!getRefreshToken()) return;
    let cancelled = false;
    setStatus('restoring');
    refreshSession()
      .then((payload) => {
        if (cancelled) return;
        if (payload) accept(payload);
        else setStatus('anonymous');
      })
      .catch(() => {
        if (!cancelled) setStatus('unreachable');
      });
    return () => {
      cancelled = true;
    };
  }, [accept, attempt]);

  // The link layer ends the session when a refresh is refused.
  useEffect(
    () =>
      onAuthChange((event) => {
        if (event === 'signed-out') {
          setStatus('anonymous');
          void client.clearStore();
        }
      }),
    [client],
  );

  const { data } = useQuery(VIEWER_QUERY, { skip: status !== 'authenticated', fetchPolicy: 'cache-first' });
  const viewer = status === 'authenticated' ? (data?.viewer ?? null) : null;

  const login = useCallback(
    async (email: string, password: string) => {
      const result = await client.mutate({ mutation: LOGIN_MUTATION, variables: { email, password } });
      const payload = result.data?.login;
      if (!payload) throw result.error ?? new Error('login returned no session');
      await client.clearStore();
      storeSession(payload, 'signed-in');
      accept(payload);
    },
    [client, accept],
  );

  const logout = useCallback(async () => {
    const refreshToken = getRefreshToken();
    if (refreshToken) {
      // Revoke server-side; the local session ends whatever the answer.
      await client.mutate({ mutation: LOGOUT_MUTATION, variables: { refreshToken } }).catch(() => undefined);
    }
    clearSession();
    setStatus('anonymous');
    await client.clearStore();
  }, [client]);

  const session = useMemo<Session>(() => {
    const permissions = new Set(viewer?.permissions ?? []);
    return {
      status,
      viewer,
      login,
      logout,
      retry: () => setAttempt((n) => n + 1),
      can: (permission) => permissions.has(permission),
    };
  }, [status, viewer, login, logout]);

  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
