import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../../../shared/contract/client.ts';
import type {
  Decision, FinishAction, RecoveryPointPolicy, RunEventBatch, RunListItem, RunSnapshot, RunSummary,
} from '../../../shared/model/recovery-run.ts';
import { applyDrillChange, type SignOffVerdict } from '../../../shared/model/drill-session.ts';
import { describeError } from '../../platform/describe-error.ts';
import type { StoreKind } from '../../platform/store-registry.ts';

export interface RecoveryState {
  runs: RunListItem[];
  runsStatus: 'loading' | 'ready' | 'error';
  runsError: string | null;
  /** The run on screen, kept current by recovery.events. */
  openRunId: string | null;
  open: RunSnapshot | null;
  openError: string | null;
  /** The core's summary of the open run (achieved RTO/RPO); refreshed when the run stops or finishes. */
  summary: RunSummary | null;
  /** What the operator just asked for, while the core answers ("Retry EHRDB07"). */
  pendingAction: string | null;
  /** Why the last operator action was refused, word for word as the core said it. */
  actionError: string | null;
}

export interface RecoveryStore {
  readonly store: StoreApi<RecoveryState>;
  /** Subscribes to recovery.events, then loads the run list. */
  start(): void;
  refreshList(): Promise<void>;
  /** Shows one run: loads it whole, then applies the events newer than it. */
  openRun(runId: string | null): Promise<void>;
  /** After a reconnect events may have been missed: reload what is shown. */
  resync(): Promise<void>;
  /** A run the core just answered with (start, confirm, decide...). */
  adopt(snapshot: RunSnapshot): void;
  confirm(stepId: string): Promise<void>;
  decide(target: { vm?: string; stepId?: string }, decision: Decision): Promise<void>;
  /** An application's verdict on the open run's test copies, recorded under this connection's actor. */
  signOff(application: string, verdict: SignOffVerdict, note?: string): Promise<void>;
  /** One decision for every VM waiting on the same failure (failureReason key). */
  decideAll(reasonKey: string, count: number, decision: 'retry' | 'skip' | 'wait'): Promise<void>;
  abort(): Promise<void>;
  /** whenReady: a reverse whose site is not ready waits for it instead of being refused. */
  /** policy: repoint's recovery point; vms: repoint's or cancel's chosen VMs (absent: all). */
  finish(action: FinishAction, options?: { whenReady?: boolean; policy?: RecoveryPointPolicy; vms?: string[] }): Promise<void>;
  dispose(): void;
}

export interface RecoveryStoreOptions {
  /** Event batches closer together than this are applied together (600 VMs at lab speed 'max'). */
  applyIntervalMs?: number;
}

/**
 * Applies one journalled batch: each change replaces the run header, a group or a VM whole. Batches
 * at or below the snapshot's seq are already in it and change nothing.
 */
export function applyRunBatch(run: RunSnapshot, batch: RunEventBatch): RunSnapshot {
  if (batch.runId !== run.id || batch.seq <= run.seq) return run;
  let next: RunSnapshot = { ...run, seq: batch.seq };
  let groups: RunSnapshot['groups'] | null = null;
  let vms: RunSnapshot['vms'] | null = null;
  let vmIndex: Map<string, number> | null = null;
  for (const change of batch.changes) {
    if (change.type === 'run') {
      next = { ...next, ...change.value };
    } else if (change.type === 'group') {
      groups ??= [...(next.groups)];
      const at = groups.findIndex((g) => g.index === change.value.index);
      if (at >= 0) groups[at] = change.value;
      else groups.push(change.value);
    } else if (change.type === 'checklist' || change.type === 'signoff') {
      next = applyDrillChange(next, change);
    } else {
      vms ??= [...next.vms];
      vmIndex ??= new Map(vms.map((vm, i) => [vm.name, i]));
      const at = vmIndex.get(change.value.name);
      if (at === undefined) { vmIndex.set(change.value.name, vms.length); vms.push(change.value); } else vms[at] = change.value;
    }
  }
  if (groups) next.groups = groups.sort((a, b) => a.index - b.index);
  if (vms) next.vms = vms;
  return next;
}

/** The list row of a run, updated from a header change without reloading the list. */
function patchListItem(item: RunListItem, batch: RunEventBatch): RunListItem {
  const header = batch.changes.findLast((c) => c.type === 'run');
  return header && header.type === 'run' ? { ...item, ...header.value } : item;
}

export function createRecoveryStore(client: Client, options: RecoveryStoreOptions = {}): RecoveryStore {
  const applyIntervalMs = options.applyIntervalMs ?? 0;
  const store = createStore<RecoveryState>(() => ({
    runs: [], runsStatus: 'loading', runsError: null,
    openRunId: null, open: null, openError: null, summary: null, pendingAction: null, actionError: null,
  }));

  /** Batches for the open run that arrived while its snapshot was on the way. */
  let buffer: RunEventBatch[] | null = null;
  let queued: RunEventBatch[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let unsubscribe: (() => void) | null = null;
  let generation = 0;
  let listTimer: ReturnType<typeof setTimeout> | null = null;
  let summaryFor = '';

  const loadSummary = async (run: RunSnapshot) => {
    // The key changes when the run stops or a finish action ends: then the achieved figures change.
    const key = `${run.id}|${run.status}|${run.finishes.map((f) => f.status).join(',')}`;
    if (key === summaryFor) return;
    summaryFor = key;
    try {
      const summary = await client.request('recovery.summary', { runId: run.id });
      if (store.getState().openRunId === run.id) store.setState({ summary });
    } catch (error) {
      summaryFor = '';
      if (store.getState().openRunId === run.id) store.setState({ openError: `The run summary could not be loaded: ${describeError(error)}` });
    }
  };

  const setOpen = (run: RunSnapshot) => {
    store.setState({ open: run });
    void loadSummary(run);
  };

  const flush = () => {
    flushTimer = null;
    const batches = queued;
    queued = [];
    const state = store.getState();
    let open = state.open;
    for (const batch of batches) if (open && batch.runId === open.id) open = applyRunBatch(open, batch);
    if (open && open !== state.open) setOpen(open);
  };

  const scheduleListRefresh = () => {
    if (listTimer) return;
    listTimer = setTimeout(() => { listTimer = null; void api.refreshList(); }, 1_000);
  };

  const onBatch = (batch: RunEventBatch) => {
    const state = store.getState();
    // The list: header changes in place; a run it does not know yet brings a reload.
    const known = state.runs.some((r) => r.id === batch.runId);
    if (known) {
      store.setState({ runs: state.runs.map((r) => (r.id === batch.runId ? patchListItem(r, batch) : r)) });
      if (batch.changes.some((c) => c.type === 'vm')) scheduleListRefresh();
    } else {
      scheduleListRefresh();
    }
    if (batch.runId !== state.openRunId) return;
    if (buffer) { buffer.push(batch); return; }
    queued.push(batch);
    if (applyIntervalMs <= 0) flush();
    else flushTimer ??= setTimeout(flush, applyIntervalMs);
  };

  const act = async (label: string, work: (runId: string) => Promise<RunSnapshot>) => {
    const runId = store.getState().openRunId;
    if (!runId) return;
    store.setState({ pendingAction: label, actionError: null });
    try {
      const snapshot = await work(runId);
      api.adopt(snapshot);
      store.setState({ pendingAction: null });
    } catch (error) {
      store.setState({ pendingAction: null, actionError: describeError(error) });
    }
  };

  const api: RecoveryStore = {
    store,
    start() {
      unsubscribe ??= client.subscribe('recovery.events', onBatch);
      void api.refreshList();
    },
    async refreshList() {
      try {
        const { runs } = await client.request('recovery.list', {});
        store.setState({ runs, runsStatus: 'ready', runsError: null });
      } catch (error) {
        store.setState({ runsStatus: store.getState().runs.length > 0 ? 'ready' : 'error', runsError: describeError(error) });
      }
    },
    async openRun(runId) {
      const mine = ++generation;
      summaryFor = '';
      queued = [];
      if (runId === null) {
        buffer = null;
        store.setState({ openRunId: null, open: null, openError: null, summary: null, actionError: null, pendingAction: null });
        return;
      }
      buffer = [];
      const keep = store.getState().open?.id === runId;
      store.setState({ openRunId: runId, open: keep ? store.getState().open : null, openError: null, summary: keep ? store.getState().summary : null, actionError: null });
      try {
        const snapshot = await client.request('recovery.get', { runId });
        if (mine !== generation) return;
        const pending = buffer ?? [];
        buffer = null;
        let run = snapshot;
        for (const batch of pending.sort((a, b) => a.seq - b.seq)) run = applyRunBatch(run, batch);
        setOpen(run);
      } catch (error) {
        if (mine !== generation) return;
        buffer = null;
        store.setState({ openError: describeError(error) });
      }
    },
    async resync() {
      await api.refreshList();
      const id = store.getState().openRunId;
      if (id) await api.openRun(id);
    },
    adopt(snapshot) {
      const state = store.getState();
      if (state.openRunId !== snapshot.id) {
        generation++;
        buffer = null;
        summaryFor = '';
        store.setState({ openRunId: snapshot.id, open: null, summary: null, openError: null });
      }
      const current = store.getState().open;
      // An answer can be older than events already applied: keep whichever is newer.
      if (!current || snapshot.seq >= current.seq) setOpen(snapshot);
      scheduleListRefresh();
    },
    confirm(stepId) {
      return act('Confirming the manual step', (runId) => client.request('recovery.confirm', { runId, stepId }));
    },
    decide(target, decision) {
      const what = target.vm ?? target.stepId ?? 'the run';
      return act(`${decision === 'retry' ? 'Retrying' : decision === 'skip' ? 'Skipping' : decision === 'wait' ? 'Waiting for' : 'Aborting'} ${what}`,
        (runId) => client.request('recovery.decide', { runId, decision, ...(target.vm ? { vm: target.vm } : {}), ...(target.stepId ? { stepId: target.stepId } : {}) }));
    },
    signOff(application, verdict, note) {
      return act(`Recording ${application} as ${verdict}`, (runId) => client.request('recovery.signOff', { runId, application, verdict, ...(note ? { note } : {}) }));
    },
    abort() {
      return act('Aborting the run', (runId) => client.request('recovery.abort', { runId }));
    },
    decideAll(reasonKey, count, decision) {
      return act(`${decision === 'retry' ? 'Retrying' : decision === 'skip' ? 'Skipping' : 'Waiting for'} ${count} VMs`,
        async (runId) => (await client.request('recovery.decideAll', { runId, reason: reasonKey, decision })).run);
    },
    finish(action, options = {}) {
      return act(`Starting ${action}`, (runId) => client.request('recovery.finish', {
        runId, action, ...(options.whenReady ? { whenReady: true } : {}), ...(options.policy ? { policy: options.policy } : {}), ...(options.vms ? { vms: options.vms } : {}),
      }));
    },
    dispose() {
      unsubscribe?.();
      unsubscribe = null;
      if (flushTimer) clearTimeout(flushTimer);
      if (listTimer) clearTimeout(listTimer);
    },
  };
  return api;
}

export const recoveryStores: StoreKind<RecoveryStore> = {
  name: 'recovery',
  create({ client }) {
    // Enough for 600 VMs at lab speed 'max': at most five renders a second from the event stream.
    const recovery = createRecoveryStore(client, { applyIntervalMs: 200 });
    recovery.start();
    return recovery;
  },
  resync: (recovery) => recovery.resync(),
};
