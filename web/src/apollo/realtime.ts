import { createContext, useContext } from 'react';
import type { Realtime } from './client.ts';

export const RealtimeContext = createContext<Realtime | null>(null);

export function useRealtime(): Realtime {
  const realtime = useContext(RealtimeContext);
  if (!realtime) throw new Error('useRealtime must be used inside RealtimeContext');
  return realtime;
}
