import type { z } from 'zod';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createClient } from '../../../shared/contract/client.ts';
import type { migrationChannels, migrationStreams } from '../../../shared/contract/migration-channels.ts';
import type { Transport } from '../../../shared/contract/transport.ts';
import type {
  DrainPlan, HostMigrationSettings, MigrationOperations, MigrationQueue, PatchStep, RollingPlan,
} from '../../../shared/model/migration.ts';
import type { MigrationPerformance } from '../../../shared/model/hyperv-enums.ts';
import { describeError } from '../../platform/describe-error.ts';
import type { StoreKind } from '../../platform/store-registry.ts';
import { busyAction } from '../../platform/busy-action.ts';

type Channels = typeof migrationChannels;
type ChannelName = keyof Channels;
type Req<C extends ChannelName> = z.input<Channels[C]['request']>;
type Res<C extends ChannelName> = z.output<Channels[C]['response']>;
type StreamName = keyof typeof migrationStreams;
type Ev<S extends StreamName> = z.output<(typeof migrationStreams)[S]['event']>;

/** The shared typed client, narrowed to the migration.* and hosts.* channels this store uses. */
export interface MigrationClient {
  request<C extends ChannelName>(channel: C, payload: Req<C>): Promise<Res<C>>;
  subscribe<S extends StreamName>(stream: S, listener: (event: Ev<S>) => void): () => void;
}

function createMigrationClient(transport: Transport): MigrationClient {
  return createClient(transport);
}

export interface MigrationStoreState {
  clusterId: string | null;
  queue: MigrationQueue | null;
  hosts: HostMigrationSettings[];
  operations: MigrationOperations;
  drainPlan: DrainPlan | null;
  rollingPlan: RollingPlan | null;
  state: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  actionError: string | null;
  busy: boolean;
}

export interface MigrationStore {
  readonly store: StoreApi<MigrationStoreState>;
  selectCluster(clusterId: string): Promise<void>;
  reload(): Promise<void>;
  cancel(itemId: string): Promise<boolean>;
  setHostSettings(hostId: string, change: { maxVmMigrations?: number; performance?: MigrationPerformance }): Promise<boolean>;
  planDrain(hostId: string, liveMigrateLowPriority: boolean): Promise<DrainPlan | null>;
  startDrain(hostId: string, liveMigrateLowPriority: boolean, acceptQuickMigrations: boolean): Promise<boolean>;
  clearPlans(): void;
  pause(operationId: string): Promise<boolean>;
  resume(operationId: string): Promise<boolean>;
  abort(operationId: string): Promise<boolean>;
  planRolling(patch: PatchStep, nodesAtOnce: number): Promise<RollingPlan | null>;
  startRolling(patch: PatchStep, nodesAtOnce: number): Promise<boolean>;
  confirmPatched(operationId: string, hostId: string): Promise<boolean>;
  /** Carries a failed or stopped rolling maintenance on from where it stopped. */
  carryOnRolling(operationId: string): Promise<boolean>;
  /** Resumes a paused node and fails its drained VMs back to it. */
  resumeHost(hostId: string): Promise<boolean>;
  dispose(): void;
}

/** At most this many queue events a second reach the views (the core sends one a second per cluster). */
const QUEUE_FLUSH_MS = 250;

function createMigrationStore(transport: Transport, client: MigrationClient = createMigrationClient(transport)): MigrationStore {
  const store = createStore<MigrationStoreState>(() => ({
    clusterId: null, queue: null, hosts: [], operations: { drains: [], rolling: [] }, drainPlan: null, rollingPlan: null,
    state: 'idle', error: null, actionError: null, busy: false,
  }));
  let pendingQueue: MigrationQueue | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const offQueue = client.subscribe('migration.queue', (queue) => {
    if (queue.clusterId !== store.getState().clusterId) return;
    pendingQueue = queue;
    if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        if (pendingQueue) store.setState({ queue: pendingQueue, hosts: hostsFromLanes(store.getState().hosts, pendingQueue) });
        pendingQueue = null;
      }, QUEUE_FLUSH_MS);
    }
  });
  const offOps = client.subscribe('migration.operations', (operations) => store.setState({ operations }));

  const reload = async () => {
    const clusterId = store.getState().clusterId;
    if (!clusterId) return;
    try {
      const [queue, settings, operations] = await Promise.all([
        client.request('migration.queue', { clusterId }),
        client.request('hosts.migrationSettings', { clusterId }),
        client.request('migration.operations', {}),
      ]);
      if (store.getState().clusterId !== clusterId) return;
      store.setState({ queue, hosts: settings.hosts, operations, state: 'ready', error: null });
    } catch (error) {
      store.setState({ state: 'error', error: describeError(error) });
    }
  };

  const act = busyAction(store);
  const cluster = () => {
    const id = store.getState().clusterId;
    if (!id) throw new Error('Choose a cluster first.');
    return id;
  };

  return {
    store,
    async selectCluster(clusterId) {
      if (store.getState().clusterId === clusterId && store.getState().state === 'ready') return;
      store.setState({ clusterId, queue: null, hosts: [], drainPlan: null, rollingPlan: null, state: 'loading', error: null });
      await reload();
    },
    reload,
    async cancel(itemId) {
      const ok = await act(() => client.request('migration.cancel', { itemId }));
      if (ok) await reload();
      return ok !== null;
    },
    async setHostSettings(hostId, change) {
      const read = await act(() => client.request('hosts.setMigrationSettings', { hostId, ...change }));
      if (read) store.setState((s) => ({ hosts: s.hosts.map((h) => (h.hostId === read.hostId ? read : h)) }));
      return read !== null;
    },
    async planDrain(hostId, liveMigrateLowPriority) {
      const plan = await act(() => client.request('migration.planDrain', { hostId, options: { liveMigrateLowPriority, avoidHostIds: [] } }));
      store.setState({ drainPlan: plan });
      return plan;
    },
    async startDrain(hostId, liveMigrateLowPriority, acceptQuickMigrations) {
      const op = await act(() => client.request('migration.startDrain', { hostId, options: { liveMigrateLowPriority, avoidHostIds: [] }, acceptQuickMigrations }));
      if (op) { store.setState({ drainPlan: null }); await reload(); }
      return op !== null;
    },
    clearPlans() { store.setState({ drainPlan: null, rollingPlan: null, actionError: null }); },
    async pause(operationId) { return (await act(() => client.request('migration.pause', { operationId }))) !== null; },
    async resume(operationId) { return (await act(() => client.request('migration.resume', { operationId }))) !== null; },
    async abort(operationId) { return (await act(() => client.request('migration.abort', { operationId }))) !== null; },
    async planRolling(patch, nodesAtOnce) {
      const plan = await act(() => client.request('migration.planRolling', { clusterId: cluster(), patch, nodesAtOnce }));
      store.setState({ rollingPlan: plan });
      return plan;
    },
    async startRolling(patch, nodesAtOnce) {
      const op = await act(() => client.request('migration.startRolling', { clusterId: cluster(), patch, nodesAtOnce }));
      if (op) { store.setState({ rollingPlan: null }); await reload(); }
      return op !== null;
    },
    async confirmPatched(operationId, hostId) {
      const op = await act(() => client.request('migration.confirmPatched', { operationId, hostId }));
      if (op) store.setState((s) => ({ operations: { ...s.operations, rolling: s.operations.rolling.map((r) => (r.id === op.id ? op : r)) } }));
      return op !== null;
    },
    async carryOnRolling(operationId) {
      const op = await act(() => client.request('migration.carryOnRolling', { operationId }));
      if (op) store.setState((s) => ({ operations: { ...s.operations, rolling: s.operations.rolling.map((r) => (r.id === op.id ? op : r)) } }));
      return op !== null;
    },
    async resumeHost(hostId) {
      const done = await act(() => client.request('migration.resumeHost', { hostId, failback: true }));
      if (done) await reload();
      return done !== null;
    },
    dispose() {
      offQueue();
      offOps();
      if (timer) clearTimeout(timer);
    },
  };
}

/**
 * It keeps its stream subscriptions while the view is hidden. After a reconnect it reloads the
 * queue, the host settings and the operations: a drain that moved on while the link was down
 * sent its last migration.operations event into the void.
 */
export const migrationStores: StoreKind<MigrationStore> = {
  name: 'migration', create: ({ transport }) => createMigrationStore(transport), resync: (s) => s.reload(),
};

/** Lanes carry the live limit, state and VM count: keep the settings table in step with them. */
export function hostsFromLanes(hosts: HostMigrationSettings[], queue: MigrationQueue): HostMigrationSettings[] {
  if (hosts.length === 0) return hosts;
  const lanes = new Map(queue.lanes.map((l) => [l.hostId, l]));
  return hosts.map((h) => {
    const lane = lanes.get(h.hostId);
    return lane ? { ...h, state: lane.state, maxVmMigrations: lane.limit, performance: lane.performance, vmCount: lane.vmCount } : h;
  });
}
