import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertChanges } from '../../../shared/model/replication.ts';
import { createLabBackend } from '../backends/lab/lab-backend.ts';
import { LabSimulation } from '../backends/lab/simulation.ts';
import { createEstateStore } from '../estate/estate-store.ts';
import type { ClockPort } from '../ports.ts';
import { createReplicationMonitor } from '../replication/replication-monitor.ts';
import type { NotificationChannel } from '../replication/notification-channels.ts';
import { LAB_TEST_START } from './lab-fixture.ts';
import { manualClock, silentLogger } from './memory-ports.ts';

/**
 * The replication monitor watching a lab stepped by hand: faults go in, simulated minutes pass, and
 * the test reads the alerts and incidents the monitor made of it.
 */
export async function incidentRig(options: { vmCount?: number; seed?: number; channels?: () => NotificationChannel[]; wall?: ClockPort; holdMs?: number; retryDelaysMs?: number[] } = {}) {
  const sim = new LabSimulation({ seed: options.seed ?? 7, vmCount: options.vmCount ?? 120, startTime: LAB_TEST_START });
  const storeClock = manualClock(0);
  const lab = createLabBackend(sim, storeClock, 'pause');
  const changes: AlertChanges[] = [];
  let monitor: ReturnType<typeof createReplicationMonitor> | null = null;
  const store = createEstateStore(await lab.load(), { clock: storeClock, batchMs: 250, publish: (batch) => monitor?.observe(batch) });
  lab.start((patches) => store.apply(patches));
  monitor = createReplicationMonitor({
    store, dataDir: mkdtempSync(join(tmpdir(), 'standby-incidents-')), clock: options.wall ?? storeClock, logger: silentLogger(),
    onSummary: () => {}, onAlerts: (c) => changes.push(c), channels: options.channels,
    notifier: { holdMs: options.holdMs, retryDelaysMs: options.retryDelaysMs },
  });
  const m = monitor;
  return {
    sim, lab, store, monitor: m, changes,
    /** Simulated time passes in steps, each published to the monitor as the store would. */
    run(ms: number, stepMs = 30_000) {
      for (let t = 0; t < ms; t += stepMs) {
        sim.runFor(Math.min(stepMs, ms - t));
        // What the lab backend's own publish does on each tick of its time driver.
        store.apply([...sim.flushPatches(), { op: 'clock', value: { source: 'lab', now: sim.now, speed: 0 } }]);
        store.flush();
      }
    },
    ongoing: () => m.alerts().filter((a) => a.clearedAt === null),
    dispose() { m.dispose(); store.dispose(); void lab.dispose(); },
  };
}
