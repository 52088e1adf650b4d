import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../../../shared/contract/client.ts';
import type { LabEvent, LabFault, LabFaultSpecInput, LabSpeed, LabStatus } from '../../../shared/model/lab.ts';
import { describeError } from '../../platform/describe-error.ts';
import type { StoreKind } from '../../platform/store-registry.ts';
import { busyAction } from '../../platform/busy-action.ts';

export interface LabStoreState {
  status: LabStatus | null;
  /** Newest last, at most MAX_EVENTS; from lab.status, then the lab.events stream. */
  events: LabEvent[];
  /** loading, ready, or unavailable (the backend is not the lab, or the request failed). */
  state: 'loading' | 'ready' | 'unavailable';
  error: string | null;
  /** The last control failure (a viewer is refused, a host name is unknown...). */
  actionError: string | null;
  busy: boolean;
}

export interface LabStore {
  readonly store: StoreApi<LabStoreState>;
  setSpeed(speed: LabSpeed): Promise<boolean>;
  injectFault(spec: LabFaultSpecInput): Promise<LabFault | null>;
  clearFault(faultId: string): Promise<boolean>;
  reload(): Promise<void>;
  dispose(): void;
}

const MAX_LAB_EVENTS = 500;
/** Events can arrive thousands a second at max speed; the store takes them in at most 4 times a second. */
const EVENT_FLUSH_MS = 250;

function createLabStore(client: Client): LabStore {
  const store = createStore<LabStoreState>(() => ({ status: null, events: [], state: 'loading', error: null, actionError: null, busy: false }));
  let pending: LabEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    timer = null;
    if (pending.length === 0) return;
    const lastSeq = store.getState().events.at(-1)?.seq ?? 0;
    const fresh = pending.filter((e) => e.seq > lastSeq);
    pending = [];
    if (fresh.length === 0) return;
    store.setState((s) => ({ events: [...s.events, ...fresh].slice(-MAX_LAB_EVENTS) }));
  };
  const off = client.subscribe('lab.events', ({ events }) => {
    pending.push(...events);
    if (pending.length > MAX_LAB_EVENTS) pending = pending.slice(-MAX_LAB_EVENTS);
    if (!timer) timer = setTimeout(flush, EVENT_FLUSH_MS);
  });

  const acceptStatus = (status: LabStatus) => {
    const known = store.getState().events;
    const lastSeq = known.at(-1)?.seq ?? 0;
    const older = status.recentEvents.filter((e) => e.seq > lastSeq);
    store.setState({ status, state: 'ready', error: null, events: [...known, ...older].sort((a, b) => a.seq - b.seq).slice(-MAX_LAB_EVENTS) });
  };

  const reload = async () => {
    try {
      acceptStatus(await client.request('lab.status', {}));
    } catch (error) {
      store.setState({ state: 'unavailable', error: describeError(error) });
    }
  };
  void reload();

  const control = busyAction(store);

  return {
    store,
    reload,
    async setSpeed(speed) {
      const status = await control(() => client.request('lab.setSpeed', { speed }));
      if (status) acceptStatus(status);
      return status !== null;
    },
    async injectFault(spec) {
      const fault = await control(() => client.request('lab.injectFault', spec));
      if (fault) await reload();
      return fault;
    },
    async clearFault(faultId) {
      const status = await control(() => client.request('lab.clearFault', { faultId }));
      if (status) acceptStatus(status);
      return status !== null;
    },
    dispose() {
      off();
      if (timer) clearTimeout(timer);
    },
  };
}

export const labStores: StoreKind<LabStore> = { name: 'lab', create: ({ client }) => createLabStore(client), resync: (s) => s.reload() };
