import { clonePlain } from './clone-plain.ts';
import type { LabEvent, LabLink } from '../../../../shared/model/lab.ts';
import type { EstateInventory, SourcePatch } from '../../estate/estate-store.ts';
import { ClusterRecovery } from './cluster-recovery.ts';
import { generateLabEstate, type LabEstate } from './estate-generator.ts';
import { EventLog } from './event-log.ts';
import { EventQueue } from './event-queue.ts';
import { Failover } from './failover.ts';
import { Faults } from './faults.ts';
import { LabWorld } from './lab-world.ts';
import { LiveMigration } from './live-migration.ts';
import { createRandom } from './random.ts';
import { ReplicationEngine } from './replication-engine.ts';
import { VmPower } from './vm-power.ts';
import { WanLink } from './wan-link.ts';

interface LabSimulationOptions {
  seed: number;
  vmCount: number;
  /** Epoch ms the simulated clock starts at. */
  startTime: number;
  /** A ready-made estate (tests shape one by hand); generated from seed and vmCount otherwise. */
  estate?: LabEstate;
}

/** Default links; bandwidth grows with the estate so a 10,000-VM lab is not hopelessly behind. */
const WAN_MODEL = {
  primaryDrBitsPer600Vms: 1e9,
  primaryDrLatencyMs: 2,
  /** The cloud link is the thinner one. */
  drCloudShare: 0.8,
  drCloudLatencyMs: 18,
} as const;

/**
 * The lab: a discrete-event simulation of a Hyper-V Replica estate on its own clock. Nothing in here
 * reads the wall clock or Math.random; the same seed and the same commands at the same simulated
 * times give the same event log. runUntil steps it synchronously; the time driver runs it live.
 */
export class LabSimulation {
  readonly seed: number;
  readonly world: LabWorld;
  readonly replication: ReplicationEngine;
  readonly power: VmPower;
  readonly migration: LiveMigration;
  readonly cluster: ClusterRecovery;
  readonly failover: Failover;
  readonly faults: Faults;
  private readonly estate: LabEstate;

  constructor(options: LabSimulationOptions) {
    this.seed = options.seed;
    this.estate = options.estate ?? generateLabEstate({ seed: options.seed, vmCount: options.vmCount, startTime: options.startTime });
    const queue = new EventQueue(options.startTime);
    const world = new LabWorld(this.estate, queue, createRandom((options.seed ^ 0x5eed1ab) >>> 0), new EventLog());
    this.world = world;
    const primarySite = this.estate.sites.find((s) => s.role === 'primary')!;
    const primaryVms = this.estate.vms.filter((v) => v.siteId === primarySite.id).length;
    const scale = Math.max(1, Math.round(primaryVms / 600));
    const primaryDr = WAN_MODEL.primaryDrBitsPer600Vms * scale;
    world.links.set('primary-dr', new WanLink({ id: 'primary-dr', name: 'Primary–DR WAN', bitsPerSec: primaryDr, latencyMs: WAN_MODEL.primaryDrLatencyMs }, queue));
    world.links.set('dr-cloud', new WanLink({ id: 'dr-cloud', name: 'DR–cloud link', bitsPerSec: primaryDr * WAN_MODEL.drCloudShare, latencyMs: WAN_MODEL.drCloudLatencyMs }, queue));
    this.replication = new ReplicationEngine(world);
    world.beforePowerChange = (vm) => this.replication.accrueSource(vm);
    this.power = new VmPower(world);
    this.migration = new LiveMigration(world, this.power);
    this.cluster = new ClusterRecovery(world, this.power, this.migration, this.replication);
    this.failover = new Failover(world, this.replication, this.power);
    this.faults = new Faults(world, this.cluster);
  }

  get now(): number { return this.world.queue.now; }
  get eventCount(): number { return this.world.queue.processed; }
  get description(): string { return this.estate.backend.description; }

  /** When the next simulated event is due, or null when nothing is scheduled. */
  nextEventAt(): number | null { return this.world.queue.peek(); }

  runUntil(time: number): void {
    this.world.queue.runUntil(time);
  }

  runFor(ms: number): void {
    this.world.queue.runUntil(this.now + ms);
  }

  /** What changed since the last call, as patches for the estate store. */
  flushPatches(): SourcePatch[] {
    return this.world.flushPatches();
  }

  drainEvents(): LabEvent[] {
    return this.world.log.drain();
  }

  links(): LabLink[] {
    return [...this.world.links.values()].map((l) => l.status());
  }

  /** The estate as it is now (copies: the store keeps what it is given). */
  inventory(): EstateInventory {
    this.world.flushPatches();
    const w = this.world;
    return {
      backend: this.estate.backend,
      clock: { source: 'lab', now: this.now, speed: 1 },
      sites: [...w.sites.values()].map((s) => clonePlain(s)),
      clusters: [...w.clusters.values()].map((c) => clonePlain(c)),
      hosts: [...w.hosts.values()].map((h) => ({ ...h })),
      vms: [...w.vms.values()].map((v) => clonePlain(v)),
    };
  }
}
