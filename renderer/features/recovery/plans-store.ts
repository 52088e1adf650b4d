import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../../../shared/contract/client.ts';
import type { PlanFileError, PlanSummary } from '../../../shared/model/recovery-plan.ts';
import { describeError } from '../../platform/describe-error.ts';
import type { StoreKind } from '../../platform/store-registry.ts';

export interface PlansState {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  plans: PlanSummary[];
  /** Files in the plans folder that were not loaded: file, JSON path and problem, as the core reports them. */
  invalid: PlanFileError[];
  folder: string | null;
}

export interface PlansStore {
  readonly store: StoreApi<PlansState>;
  load(): Promise<void>;
}

/** The plans folder as the core reads it. Plans are files, not a stream: reloaded after each change. */
function createPlansStore(client: Client): PlansStore {
  const store = createStore<PlansState>(() => ({ status: 'loading', error: null, plans: [], invalid: [], folder: null }));
  return {
    store,
    async load() {
      try {
        const { plans, invalid, folder } = await client.request('plans.list', {});
        store.setState({ status: 'ready', error: null, plans, invalid, folder });
      } catch (error) {
        store.setState({ status: store.getState().plans.length > 0 ? 'ready' : 'error', error: describeError(error) });
      }
    },
  };
}

export const plansStores: StoreKind<PlansStore> = {
  name: 'plans',
  create({ client }) {
    const plans = createPlansStore(client);
    void plans.load();
    return plans;
  },
  resync: (plans) => plans.load(),
};
