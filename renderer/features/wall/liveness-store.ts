import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Clock } from '../../../shared/model/estate.ts';
import type { ReplicationSummary } from '../../../shared/model/replication.ts';
import type { StoreContext } from '../../platform/store-registry.ts';
import { expectedCadenceMs, judgeStaleness, PROBE_MS, type Liveness, type Staleness } from './staleness.ts';
import { TimeSeries, type SeriesPoint } from './time-series.ts';

export interface LivenessState {
  staleness: Staleness;
  /** Wall-clock epoch ms of the last update, for "data from HH:MM:SS". */
  lastUpdateWallAt: number | null;
  /** WAN throughput (bit/s) over the last hour of the estate clock, as the chart draws it (see CHART_REDRAW_MS). */
  throughput: readonly SeriesPoint[];
  /** Monotonic ms of the last check: the wall's one clock tick (durations and the estate clock move with it). */
  tickAt: number;
}

export interface LivenessStore {
  readonly store: StoreApi<LivenessState>;
  /** Re-judges staleness now (the wall calls it every second through its own timer). */
  check(): void;
  reset(): void;
  dispose(): void;
}

export interface LivenessInputs {
  /** Current connection and estate state, and the estate clock (for the cadence). */
  read(): { connected: boolean; estateReady: boolean; clock: Clock | null };
}

export interface LivenessOptions {
  now?: () => number;
  wallNow?: () => number;
  tickMs?: number;
}

export const HOUR_MS = 3_600_000;
/** The core's WAN history buckets (replication.wanHistory): 120 points an hour. */
export const THROUGHPUT_BUCKET_MS = 30_000;
/**
 * The chart is the wall's dearest drawing (recharts measures its axis text in the DOM each time).
 * At lab speeds a new bucket comes every few wall-clock milliseconds, so new points are published
 * at most this often; at 1× a bucket lasts 30 s, so a real estate's chart is never held back.
 */
export const CHART_REDRAW_MS = 5_000;

/**
 * Whether the wall's data is current: every patch batch counts as an update (the lab sends one
 * every 250 ms while it runs); when none are due (paused lab) a cheap read every PROBE_MS does.
 * Also keeps the WAN-throughput history the summary stream does not: bounded, see TimeSeries.
 */
export function createLivenessStore(context: StoreContext, inputs: LivenessInputs, options: LivenessOptions = {}): LivenessStore {
  const now = options.now ?? (() => performance.now());
  const wallNow = options.wallNow ?? (() => Date.now());
  const series = new TimeSeries(HOUR_MS, THROUGHPUT_BUCKET_MS);
  const store = createStore<LivenessState>(() => ({ staleness: { stale: true, reason: 'loading', silentMs: null }, lastUpdateWallAt: null, throughput: [], tickAt: now() }));
  let lastUpdateAt: number | null = null;
  /** Kept here and published with the next check: at 600× batches come many times a second. */
  let lastUpdateWallAt: number | null = null;
  let probing = false;
  let lastProbeAt = -Infinity;
  let chartAt = -Infinity;
  let chartPending = false;

  /** The points to publish now, or nothing while the chart was drawn less than CHART_REDRAW_MS ago. */
  const chartDue = (t: number, force: boolean): Pick<LivenessState, 'throughput'> | null => {
    if (!force && t - chartAt < CHART_REDRAW_MS) return null;
    chartPending = false;
    chartAt = t;
    return { throughput: series.values() };
  };

  const noteUpdate = () => {
    lastUpdateAt = now();
    lastUpdateWallAt = wallNow();
  };

  const check = () => {
    const { connected, estateReady, clock } = inputs.read();
    const cadence = expectedCadenceMs(clock);
    const t = now();
    if (cadence === null && connected && !probing && t - lastProbeAt >= PROBE_MS && (lastUpdateAt === null || t - lastUpdateAt >= PROBE_MS)) {
      probing = true;
      lastProbeAt = t;
      context.client.request('session.info', {}).then(noteUpdate, () => {}).finally(() => { probing = false; });
    }
    const liveness: Liveness = { connected, estateReady, lastUpdateAt };
    const next = judgeStaleness(liveness, t, cadence);
    const prev = store.getState().staleness;
    // Only a change of verdict, or a new whole second of silence, is worth a render.
    const same = prev.stale === next.stale && (!next.stale || (prev.stale && prev.reason === next.reason
      && Math.floor((prev.silentMs ?? -1) / 1000) === Math.floor((next.silentMs ?? -1) / 1000)));
    const chart = chartPending ? chartDue(t, false) : null;
    store.setState({ ...(same ? {} : { staleness: next }), ...chart, tickAt: t, lastUpdateWallAt });
  };

  const onSummary = (summary: ReplicationSummary) => {
    if (!series.push(summary.at, summary.wanThroughputBitsPerSec)) return;
    const chart = chartDue(now(), false);
    // Held back: the next check (every second) publishes it once CHART_REDRAW_MS has passed.
    if (chart) store.setState(chart); else chartPending = true;
  };

  /** The last hour as the core kept it, so a wall opened (or back) now draws the hour at once. */
  const loadHistory = (replace: boolean) => context.client.request('replication.wanHistory', {}).then((history) => {
    // After a reconnect the core's hour is the truth: it covers the gap, and a restarted lab's clock went back.
    if (replace) series.clear();
    series.seed(history.points.map((p) => ({ t: p.t, value: p.bitsPerSec })));
    store.setState(chartDue(now(), true)!);
  }, () => {});

  const offPatches = context.client.subscribe('estate.patches', noteUpdate);
  const offSummary = context.client.subscribe('replication.summary', onSummary);
  void loadHistory(false);
  const timer = setInterval(check, options.tickMs ?? 1_000);

  return {
    store,
    check,
    reset() {
      // Summaries published while the link was down are lost: the core's history fills the gap (a
      // restarted lab, its clock back at the start, clears the series: see TimeSeries.push).
      void loadHistory(true).then(() => context.client.request('replication.summary', {})).then(onSummary, () => {});
    },
    dispose() { clearInterval(timer); offPatches(); offSummary(); },
  };
}
