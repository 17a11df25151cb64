import { createContext, useContext } from 'react';
import type { Viewer } from './auth.graphql.ts';

export type SessionStatus = 'restoring' | 'unreachable' | 'anonymous' | 'authenticated';

export interface Session {
  status: SessionStatus;
  viewer: Viewer | null;
  /** Rejects with the Apollo error so the form can describe it. */
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Retries restoring a stored session after the server was unreachable. */
  retry(): void;
  can(permission: string): boolean;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside SessionProvider');
  return session;
}
