import type { Vm } from '../../../../shared/model/estate.ts';
import { ContractError } from '../../../../shared/contract/errors.ts';
import { BootStorm } from './boot-storm.ts';
import type { LabWorld } from './lab-world.ts';

const GiB = 1024 ** 3;

/**
 * How long power operations take. A guest's boot is work shared with the other boots on its host and
 * cluster storage (boot-storm.ts): the boot storm that makes starting everything at once slower than
 * a paced start. (Modelling choices.)
 */
export const POWER_MODEL = {
  /** Start-VM returns once the VM is Running; the guest boots after that. */
  powerOnMs: 3_000,
  /** Booting alone; slower when sharing the host or storage with other boots. */
  osBootBaseMs: 40_000,
  osBootPerGiBMs: 250,
  /** From the first heartbeat to "applications healthy". */
  appStartMs: 30_000,
  databaseAppStartMs: 90_000,
  shutdownMs: 40_000,
  databaseShutdownMs: 90_000,
  /** Restoring a saved VM reads its memory back from disk. */
  restoreBytesPerSec: 2 * GiB,
} as const;

const STARTABLE = new Set<Vm['state']>(['Off', 'Saved']);
const RUNNING_LIKE = new Set<Vm['state']>(['Running', 'Starting', 'Paused']);
/** Replication states in which a replica may run (it was failed over). */
const FAILED_OVER = new Set(['FailedOverWaitingCompletion', 'FailedOver']);

export class VmPower {
  private readonly world: LabWorld;
  /** Bumped on every power change so a boot interrupted by a crash does not complete later. */
  private readonly generation = new Map<string, number>();
  private readonly storm: BootStorm;
  private readonly typicalCpu = new Map<string, number>();

  constructor(world: LabWorld) {
    this.world = world;
    this.storm = new BootStorm(world.queue);
    for (const vm of world.vms.values()) if (vm.state === 'Running') this.typicalCpu.set(vm.vmId, vm.cpuUsagePct);
  }

  /** Between operations: no boot in progress (boots are closures a snapshot cannot keep). */
  get idle(): boolean { return this.storm.idle; }

  saveState(): { generation: [string, number][]; hostBoots: [string, number][] } {
    return { generation: [...this.generation], hostBoots: this.storm.saveHostCounts() };
  }

  restoreState(state: { generation: [string, number][]; hostBoots: [string, number][] }): void {
    this.generation.clear();
    for (const [id, n] of state.generation) this.generation.set(id, n);
    this.storm.restoreHostCounts(state.hostBoots);
  }

  /** Why this VM may not start here, as Start-VM would say it, or null. Checks no memory. */
  refusal(vm: Vm): ContractError | null {
    const host = this.world.hosts.get(vm.hostId)!;
    const rep = vm.replication;
    if (!STARTABLE.has(vm.state)) {
      return new ContractError('invalid-state', `'${vm.name}' failed to change state. The operation cannot be performed while the virtual machine is ${vm.state}.`, vm.name);
    }
    if (rep && (rep.mode === 'Replica' || rep.mode === 'ExtendedReplica') && !FAILED_OVER.has(rep.state)) {
      return new ContractError('invalid-state', `'${vm.name}' on ${host.name} is a Replica virtual machine and cannot be started until it is failed over (Start-VMFailover).`, vm.name);
    }
    if (this.world.migrating.has(vm.id)) {
      return new ContractError('invalid-state', `'${vm.name}' cannot be started while it is being migrated.`, vm.name);
    }
    if (host.state === 'Down') return new ContractError('backend', `'${vm.name}' cannot be started: the host ${host.name} is not available.`, vm.name);
    const twin = this.world.runningTwin(vm);
    if (twin) {
      const where = this.world.hosts.get(twin.hostId)!.name;
      return new ContractError('invalid-state', `'${vm.name}' cannot be started on ${host.name}: another copy of it is running on ${where}. Shut that copy down first.`, vm.name);
    }
    return null;
  }

  fits(vm: Vm, hostId: string): boolean {
    return this.world.freeMemory(hostId) >= vm.memoryBytes;
  }

  /** Start-VM: resolves when the VM is Running (the guest is still booting then). */
  start(vm: Vm): Promise<void> {
    const refused = this.refusal(vm);
    if (refused) return Promise.reject(refused);
    const host = this.world.hosts.get(vm.hostId)!;
    if (this.world.bootFailures.get(vm.name.toLowerCase()) === 'start-error') {
      this.world.event('vm.start-failed', 'error', `'${vm.name}' failed to start on ${host.name}: the boot disk could not be opened.`, { vm: vm.name, host: host.name });
      return Promise.reject(new ContractError('backend', `'${vm.name}' failed to start. 'Synthetic SCSI Controller' failed to power on: the system cannot find the file specified.`, vm.name));
    }
    if (!this.fits(vm, vm.hostId)) {
      const free = Math.max(0, this.world.freeMemory(vm.hostId));
      return Promise.reject(new ContractError('backend', `'${vm.name}' failed to start. Not enough memory in the system to start the virtual machine: it needs ${fmtGiB(vm.memoryBytes)} and ${host.name} has ${fmtGiB(free)} free.`, vm.name));
    }
    return new Promise((resolve) => this.powerOn(vm, resolve));
  }

  /** Starts a VM that passed the checks (the cluster restarting a role uses this directly). */
  powerOn(vm: Vm, onRunning?: () => void): void {
    const world = this.world;
    const gen = this.bump(vm);
    const host = world.hosts.get(vm.hostId)!;
    if (vm.state === 'Saved') {
      world.setVm(vm, { state: 'Resuming' });
      world.queue.after((vm.memoryBytes / POWER_MODEL.restoreBytesPerSec) * 1000, () => {
        if (this.generation.get(vm.id) !== gen) return;
        world.setVm(vm, { state: 'Running', cpuUsagePct: this.cpuOf(vm) });
        world.event('vm.restored', 'info', `'${vm.name}' was restored from its saved state on ${host.name}.`, { vm: vm.name, host: host.name });
        onRunning?.();
      });
      return;
    }
    world.setVm(vm, { state: 'Starting', heartbeat: 'NoContact' });
    world.event('vm.starting', 'info', `'${vm.name}' is starting on ${host.name}.`, { vm: vm.name, host: host.name });
    world.queue.after(POWER_MODEL.powerOnMs, () => {
      if (this.generation.get(vm.id) !== gen) return;
      world.setVm(vm, { state: 'Running', cpuUsagePct: this.cpuOf(vm) });
      onRunning?.();
      const scale = world.bootScaleOf(vm);
      this.storm.start(vm.id, vm.hostId, vm.clusterId, bootWorkMs(vm) * scale, () => {
        if (this.generation.get(vm.id) !== gen) return;
        if (world.bootFailures.get(vm.name.toLowerCase()) === 'no-heartbeat') {
          world.event('vm.no-heartbeat', 'error', `'${vm.name}' is running on ${host.name} but its guest does not answer heartbeats.`, { vm: vm.name, host: host.name });
          return;
        }
        world.setVm(vm, { heartbeat: 'OkApplicationsUnknown' });
        const appMs = (vm.tags.includes('sql') ? POWER_MODEL.databaseAppStartMs : POWER_MODEL.appStartMs) * scale;
        world.queue.after(appMs, () => {
          if (this.generation.get(vm.id) !== gen) return;
          world.setVm(vm, { heartbeat: 'OkApplicationsHealthy' });
          world.event('vm.healthy', 'info', `'${vm.name}' reports its applications healthy.`, { vm: vm.name, host: host.name });
        });
      });
    });
  }

  /** Stop-VM: a guest shutdown (or -TurnOff); resolves when Off. */
  stop(vm: Vm, turnOff: boolean): Promise<void> {
    if (!RUNNING_LIKE.has(vm.state)) {
      return Promise.reject(new ContractError('invalid-state', `'${vm.name}' failed to change state. The operation cannot be performed while the virtual machine is ${vm.state}.`, vm.name));
    }
    if (this.world.migrating.has(vm.id)) {
      return Promise.reject(new ContractError('invalid-state', `'${vm.name}' cannot be stopped while it is being migrated.`, vm.name));
    }
    const world = this.world;
    const host = world.hosts.get(vm.hostId)!;
    if (turnOff || vm.heartbeat === 'NoContact') {
      this.powerOff(vm);
      world.event('vm.turned-off', 'warning', `'${vm.name}' was turned off on ${host.name}.`, { vm: vm.name, host: host.name });
      return Promise.resolve();
    }
    const gen = this.bump(vm);
    world.setVm(vm, { state: 'Stopping' });
    const ms = vm.tags.includes('sql') ? POWER_MODEL.databaseShutdownMs : POWER_MODEL.shutdownMs;
    return new Promise((resolve) => {
      world.queue.after(ms, () => {
        if (this.generation.get(vm.id) === gen) {
          this.powerOff(vm);
          world.event('vm.shut-down', 'info', `'${vm.name}' shut down on ${host.name}.`, { vm: vm.name, host: host.name });
        }
        resolve();
      });
    });
  }

  /** Immediate loss of power (turn off, host crash, site loss). */
  powerOff(vm: Vm): void {
    this.bump(vm);
    this.world.setVm(vm, { state: 'Off', heartbeat: 'Unknown', cpuUsagePct: 0 });
  }

  /** Save-VM for quick migration: memory to disk, the VM stops holding host memory. */
  save(vm: Vm): void {
    this.bump(vm);
    this.world.setVm(vm, { state: 'Saved', heartbeat: 'Unknown', cpuUsagePct: 0 });
  }

  private cpuOf(vm: Vm): number {
    return this.typicalCpu.get(vm.vmId) ?? 20;
  }

  private bump(vm: Vm): number {
    this.storm.cancel(vm.id);
    const next = (this.generation.get(vm.id) ?? 0) + 1;
    this.generation.set(vm.id, next);
    return next;
  }
}

/** A guest's boot booting alone, before sharing slows it. */
function bootWorkMs(vm: Pick<Vm, 'memoryBytes'>): number {
  return POWER_MODEL.osBootBaseMs + (vm.memoryBytes / GiB) * POWER_MODEL.osBootPerGiBMs;
}

export function fmtGiB(bytes: number): string {
  return `${Math.round((bytes / GiB) * 10) / 10} GiB`;
}
