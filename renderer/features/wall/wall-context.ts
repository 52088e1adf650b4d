import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { extrapolateClock } from '../../platform/clock-extrapolation.ts';
import { useConnection, useEstate } from '../../platform/services-context.tsx';
import type { LivenessState, LivenessStore } from './liveness-store.ts';

export const LivenessContext = createContext<LivenessStore | null>(null);

export function useLiveness<T>(selector: (state: LivenessState) => T): T {
  const store = useContext(LivenessContext);
  if (!store) throw new Error('useLiveness outside <LivenessContext.Provider>');
  return useStore(store.store, selector);
}

/** The estate clock, moved on once a second (with the liveness tick) between the core's ticks. */
export function useWallEstateNow(): number | null {
  const clock = useEstate((s) => s.snapshot?.clock);
  const receivedAt = useEstate((s) => s.clockReceivedAt);
  const live = useConnection((s) => s.state === 'connected');
  const tickAt = useLiveness((s) => s.tickAt);
  if (!clock) return null;
  return extrapolateClock(clock, receivedAt, Math.max(tickAt, receivedAt), live);
}
