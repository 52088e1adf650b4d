import { LAB_EPOCH } from '../backends/lab/lab-source.ts';
import type { LabSimulation } from '../backends/lab/simulation.ts';
import type { PowerShellBackend } from '../backends/powershell/powershell-backend.ts';
import type { RemoteOperation } from '../backends/powershell/script-catalog.ts';
import { startDoubleBackend, type DoubleBackend } from './powershell-double/double-backend.ts';
import { createEstateStore } from '../estate/estate-store.ts';
import { manualClock } from './memory-ports.ts';
import type { RecoveryService } from '../recovery/recovery-service.ts';
import { serviceFactory, simulatedBackendClock, type RecoveryRig, type RigOptions } from './recovery-rig.ts';

/** The backend port method each mutating script stands for, so counts read the same on every rig. */
const METHOD_OF: Partial<Record<RemoteOperation, string>> = {
  'start-vmfailover': 'startVMFailover', 'stop-vmfailover': 'stopVMFailover', 'complete-vmfailover': 'completeVMFailover',
  'reverse-vmreplication': 'reverseVMReplication', 'start-vm': 'startVM', 'stop-vm': 'stopVM',
  'suspend-vmreplication': 'suspendVMReplication', 'resume-vmreplication': 'resumeVMReplication',
  'move-vmrole': 'moveClusterVirtualMachineRole', 'suspend-clusternode': 'suspendClusterNode',
  'resume-clusternode': 'resumeClusterNode', 'set-vmhost': 'setVMHost',
};

export interface DoubleRig extends RecoveryRig {
  double: DoubleBackend;
}

/**
 * A PowerShell backend whose hosts live in a lab simulation that only the test's driver moves: the
 * double's (startDoubleBackend), or real pwsh + SSH + the cmdlet emulation's (startEmulatedBackend).
 */
export interface SimulatedPowerShell {
  sim: LabSimulation;
  backend: PowerShellBackend;
  /** True when every line in flight waits on simulated time. */
  waitingOnlyOnTime(): boolean;
  /** Resolves when that may have changed. */
  activity(): Promise<void>;
  dispose(): Promise<void>;
}

/** A mutating call as it reaches a host, whoever answers it. */
type Attempt = { operation: RemoteOperation; args: Record<string, unknown> };

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Waits (in wall time) until no line is being worked on outside the simulation: every line in
 * flight is either none, or waits on simulated time (a cmdlet blocking until Hyper-V is done, an
 * answer that never comes). Checked over two turns so an answer that is on its way back, and the
 * next line its caller sends at once, are not missed.
 */
async function quiet(d: SimulatedPowerShell): Promise<void> {
  for (let stable = 0; stable < 2;) {
    await turn();
    if (d.waitingOnlyOnTime()) stable += 1;
    else {
      stable = 0;
      // Woken by the answer (or by the line starting to wait on the clock); the timer only guards
      // against a change this driver cannot see.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([d.activity(), new Promise((resolve) => { timer = setTimeout(resolve, 20); })]);
      clearTimeout(timer);
    }
  }
}

/**
 * driveLab's counterpart for the PowerShell backend: the simulated clock moves to the next event
 * only when the real round trips it caused have come back, so the recovery service, the sessions'
 * timeouts and keep-alives, the refresh period and the estate share one timeline.
 */
async function drive(d: SimulatedPowerShell, done: () => boolean, limitMs = 24 * 3600_000): Promise<void> {
  const end = d.sim.now + limitMs;
  for (;;) {
    await quiet(d);
    if (done()) return;
    const next = d.sim.world.queue.peek();
    if (next === null || next > end) throw new Error(`The simulation ran ${Math.round(limitMs / 60_000)} simulated minutes without the run reaching its goal.`);
    d.sim.runUntil(next);
  }
}

/**
 * The service with time passing while a caller awaits its checks, as it does for an operator: on
 * PowerShell a preflight's reads queue behind the cmdlets a running drill has in flight on the same
 * site, and those finish only as (simulated) time goes by. On the lab they answer at once.
 */
function patient(world: SimulatedPowerShell, service: RecoveryService): RecoveryService {
  const waits = new Set<PropertyKey>(['preflight', 'start']);
  return new Proxy(service, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (!waits.has(property)) return (value as (...a: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        const pending = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        let answered = false;
        pending.then(() => { answered = true; }, () => { answered = true; });
        await drive(world, () => answered, 3600_000);
        return pending;
      };
    },
  });
}

/**
 * The recovery service on a simulated PowerShell backend. Sessions run as the app runs them
 * (keep-alives, reconnect with backoff) on simulated time; `listen` hands the rig a counter to call
 * with every mutating call as it reaches a host.
 */
export async function simulatedPowerShellRig(world: SimulatedPowerShell, listen: (count: (change: Attempt) => void) => void, options: RigOptions = {}): Promise<RecoveryRig> {
  const { sim, backend } = world;
  const wall = manualClock(Date.UTC(2026, 0, 1));
  const estate = createEstateStore(await backend.load(), { clock: wall, batchMs: 100, publish: () => {} });
  backend.start((patches) => estate.apply(patches));
  const { dataDir, audit, events, make } = serviceFactory({ estate, clock: simulatedBackendClock(sim), wall });
  // Counted where they reach a host: a call whose caller died is still counted, one never sent is not.
  const calls = new Map<string, number>();
  listen((change) => {
    const key = `${METHOD_OF[change.operation] ?? change.operation} ${typeof change.args.vmName === 'string' ? change.args.vmName : ''}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
  });
  const rig: RecoveryRig = {
    sim, backend, estate, dataDir, audit, events, calls,
    service: patient(world, make(options.backend ? options.backend(backend) : backend)),
    restart(next = backend) { rig.service = patient(world, make(next)); return rig.service; },
    settle: () => quiet(world),
    injectFault: (spec) => sim.faults.inject(spec),
    clearFault: (id) => { sim.faults.clear(id); },
    async advance(ms) {
      const target = sim.now + ms;
      await drive(world, () => (sim.world.queue.peek() ?? Infinity) > target, ms + 1);
      sim.runUntil(target);
      await quiet(world);
      // What a console on real hosts knows: the estate as of its latest inventory (whose lines take
      // simulated time when the hub has a latency: driven, not awaited).
      const refreshed = backend.refresh(true);
      let answered = false;
      refreshed.then(() => { answered = true; }, () => { answered = true; });
      await drive(world, () => answered, 3600_000);
      estate.apply(await refreshed);
    },
    drive: (done, limitMs) => drive(world, done, limitMs),
    dispose: () => world.dispose(),
  };
  return rig;
}

/**
 * The recovery service on the PowerShell backend: real node-powershell, one fake shell process per
 * site, scripts answered by the hub from a lab simulation that nothing but the test's driver moves.
 */
export async function createDoubleRig(options: RigOptions = {}): Promise<DoubleRig> {
  const double = await startDoubleBackend({ seed: options.seed ?? 7, vmCount: options.vmCount ?? 30, startTime: LAB_EPOCH, time: 'simulated', autoReconnect: true,
    // The profile defaults: a guest shutdown or a boot storm takes minutes of (simulated) time.
    timeouts: { connectMs: 30_000, commandMs: 60_000, operationMs: 600_000 } });
  const rig = await simulatedPowerShellRig(double, (count) => { double.hub.onAttempt = count; }, options);
  return Object.assign(rig, { double });
}
