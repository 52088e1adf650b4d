import type { StoreApi } from 'zustand/vanilla';
import { describeError } from './describe-error.ts';

interface BusyState { busy: boolean; actionError: string | null }

/**
 * Runs one operator action of a store at a time as the views show it: busy while it runs, and
 * its failure in one sentence in actionError. Resolves to null when it failed.
 */
export function busyAction<S extends BusyState>(store: StoreApi<S>) {
  const set = (partial: Partial<BusyState>) => store.setState(partial as Partial<S>);
  return async <T,>(fn: () => Promise<T>): Promise<T | null> => {
    set({ busy: true, actionError: null });
    try {
      const out = await fn();
      set({ busy: false });
      return out;
    } catch (error) {
      set({ busy: false, actionError: describeError(error) });
      return null;
    }
  };
}
