import { LAB_EPOCH } from '../../backends/lab/lab-source.ts';
import type { RemoteOperation } from '../../backends/powershell/script-catalog.ts';
import { createEstateStore } from '../../estate/estate-store.ts';
import type { RecoveryService } from '../../recovery/recovery-service.ts';
import { serviceFactory, simulatedBackendClock, type RecoveryRig, type RigOptions } from '../recovery-rig.ts';
import { manualClock } from '../memory-ports.ts';
import { startEmulatedBackend, type EmulatedBackend } from './emulated-backend.ts';

/** The backend port method each mutating script stands for, so counts read the same on every rig. */
const METHOD_OF: Partial<Record<RemoteOperation, string>> = {
  'start-vmfailover': 'startVMFailover', 'stop-vmfailover': 'stopVMFailover', 'complete-vmfailover': 'completeVMFailover',
  'reverse-vmreplication': 'reverseVMReplication', 'start-vm': 'startVM', 'stop-vm': 'stopVM',
  'suspend-vmreplication': 'suspendVMReplication', 'resume-vmreplication': 'resumeVMReplication',
  'move-vmrole': 'moveClusterVirtualMachineRole', 'suspend-clusternode': 'suspendClusterNode',
  'resume-clusternode': 'resumeClusterNode', 'set-vmhost': 'setVMHost',
};

export interface EmulationRig extends RecoveryRig {
  emulated: EmulatedBackend;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** No line in flight is being worked on outside the simulation (see testing/double-rig.ts). */
async function quiet(e: EmulatedBackend): Promise<void> {
  for (let stable = 0; stable < 2;) {
    await turn();
    if (e.waitingOnlyOnTime()) stable += 1;
    else {
      stable = 0;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([e.activity(), new Promise((resolve) => { timer = setTimeout(resolve, 20); })]);
      clearTimeout(timer);
    }
  }
}

export async function driveEmulation(e: EmulatedBackend, done: () => boolean, limitMs = 24 * 3600_000): Promise<void> {
  const end = e.sim.now + limitMs;
  for (;;) {
    await quiet(e);
    if (done()) return;
    const next = e.sim.world.queue.peek();
    if (next === null || next > end) throw new Error(`The emulation ran ${Math.round(limitMs / 60_000)} simulated minutes without the run reaching its goal.`);
    e.sim.runUntil(next);
  }
}

function patient(e: EmulatedBackend, service: RecoveryService): RecoveryService {
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
        await driveEmulation(e, () => answered, 3600_000);
        return pending;
      };
    },
  });
}

/**
 * The recovery service on the PowerShell backend in real PowerShell: node-powershell runs pwsh per
 * site, PSSessions over SSH reach one loopback pwsh per node, and the host scripts drive the cmdlet
 * emulation over a lab simulation that only the test's driver moves (one timeline, as double-rig.ts).
 */
export async function createEmulationRig(options: RigOptions = {}): Promise<EmulationRig> {
  const emulated = await startEmulatedBackend({
    seed: options.seed ?? 7, vmCount: options.vmCount ?? 30, startTime: LAB_EPOCH, time: 'simulated', autoReconnect: true, hostsPerCluster: 1,
    // Simulated time for the cmdlets' own durations; real pwsh round trips take wall time only.
    timeouts: { connectMs: 120_000, commandMs: 120_000, operationMs: 600_000 },
  });
  const { sim, bridge, backend } = emulated;
  const wall = manualClock(Date.UTC(2026, 0, 1));
  const estate = createEstateStore(await backend.load(), { clock: wall, batchMs: 100, publish: () => {} });
  backend.start((patches) => estate.apply(patches));
  const { dataDir, audit, events, make } = serviceFactory({ estate, clock: simulatedBackendClock(sim), wall });
  const calls = new Map<string, number>();
  bridge.onAttempt = (change) => {
    const key = `${METHOD_OF[change.operation] ?? change.operation} ${typeof change.args.vmName === 'string' ? change.args.vmName : ''}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
  };
  const rig: EmulationRig = {
    sim, emulated, backend, estate, dataDir, audit, events, calls,
    service: patient(emulated, make(options.backend ? options.backend(backend) : backend)),
    restart(next = backend) { rig.service = patient(emulated, make(next)); return rig.service; },
    settle: () => quiet(emulated),
    injectFault: (spec) => sim.faults.inject(spec),
    clearFault: (id) => { sim.faults.clear(id); },
    async advance(ms) {
      const target = sim.now + ms;
      await driveEmulation(emulated, () => (sim.world.queue.peek() ?? Infinity) > target, ms + 1);
      sim.runUntil(target);
      await quiet(emulated);
      estate.apply(await backend.refresh(true));
    },
    drive: (done, limitMs) => driveEmulation(emulated, done, limitMs),
    dispose: () => emulated.dispose(),
  };
  return rig;
}
