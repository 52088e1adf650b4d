import type { Replication, Vm } from '../../../../shared/model/estate.ts';
import type { LabLinkId } from '../../../../shared/model/lab.ts';
import type { ScheduledEvent } from './event-queue.ts';
import type { LabWorld } from './lab-world.ts';
import type { Transfer, WanLink } from './wan-link.ts';

/** How the lab turns write churn into replication traffic. (Modelling choices, not Hyper-V facts.) */
export const REPLICATION_MODEL = {
  /** Bytes on the wire per byte of change log: Hyper-V compresses replication traffic by default. */
  compressionRatio: 0.5,
  /** Per-cycle protocol cost: log headers, acknowledgements. */
  cycleOverheadBytes: 64 * 1024,
  /** Hyper-V forces a resynchronization when the change log passes this share of the disk. */
  resyncLogShareOfDisk: 0.5,
  /** Resynchronization compares both disks block by block before sending what differs. */
  resyncCompareBytesPerSec: 1024 ** 3,
  hourlyPointMs: 60 * 60_000,
  /**
   * The replica copy reports its last replication time at most this often (state and health at
   * once): the console reads RPO from the primary copy, and a 10,000-VM estate would otherwise send
   * a second patch for every 30-second cycle.
   */
  replicaReportMs: 5 * 60_000,
} as const;

export interface RecoveryPoint {
  /** When the changes in it were captured on the primary (the snapshot of the log). */
  at: number;
  /** The source's cumulative write counter at capture: data loss is measured against it. */
  writtenTotal: number;
  appConsistent: boolean;
}

export type ReplicationType = 'None' | 'Regular' | 'ApplicationConsistent' | 'Planned';

/** One replication relationship: primary→replica (Simple) or replica→extended replica (Extended). */
export interface Relationship {
  readonly vmId: string;
  readonly name: string;
  readonly kind: 'simple' | 'extended';
  sourceId: string;
  targetId: string;
  // Cached on setup and on reverse: the hot path must not look records up by id.
  source: Vm;
  target: Vm;
  srcRep: Replication;
  dstRep: Replication;
  srcField: 'replication' | 'extendedReplication';
  rate: number;
  link: WanLink;
  /** Change log not yet sent, and the time writes were last added to it. */
  logBytes: number;
  accruedAt: number;
  writtenTotal: number;
  transfer: Transfer | null;
  transferBytes: number;
  capturedAt: number;
  capturedTotal: number;
  transferType: ReplicationType;
  /** A planned failover is shipping the last changes: regular cycles stand aside. */
  preparing: boolean;
  cycle: ScheduledEvent | null;
  began: number;
  monitoringStart: number;
  successes: number;
  missed: number;
  errors: number;
  sizeSum: number;
  sizeMax: number;
  latencySumMs: number;
  missedAt: number[];
  failing: boolean;
  lastType: ReplicationType;
  latest: RecoveryPoint | null;
  points: RecoveryPoint[];
  lastHourlyAt: number;
  lastAppConsistentAt: number;
  healthDetails: string[];
  afterTransfer: (() => void) | null;
}

/** A relationship as setup finds it: its recovery points from the replication settings, no cycle yet. */
export function newRelationship(world: LabWorld, source: Vm, target: Vm, kind: 'simple' | 'extended'): Relationship {
  const rep = (kind === 'simple' ? source.replication : source.extendedReplication)!;
  const now = world.now;
  const last = rep.lastReplicationTime ?? now;
  const rate = world.profile(source)?.writeBytesPerSec ?? 0;
  const hourly: RecoveryPoint[] = [];
  const appEvery = rep.appConsistentIntervalHours;
  for (let k = rep.additionalRecoveryPoints; k >= 1; k--) {
    hourly.push({ at: last - k * 3_600_000, writtenTotal: -rate * k * 3600, appConsistent: appEvery > 0 && k % appEvery === 0 });
  }
  const rel: Relationship = {
    vmId: source.vmId, name: source.name, kind, sourceId: source.id, targetId: target.id,
    source, target, srcRep: rep, dstRep: target.replication!, srcField: 'replication', rate, link: undefined as unknown as WanLink,
    logBytes: rep.pendingBytes, accruedAt: now, writtenTotal: rep.pendingBytes,
    transfer: null, transferBytes: 0, capturedAt: now, capturedTotal: 0, transferType: 'None', preparing: false,
    cycle: null, began: now - 24 * 3_600_000, monitoringStart: now,
    successes: 0, missed: 0, errors: 0, sizeSum: 0, sizeMax: 0, latencySumMs: 0, missedAt: [], failing: false,
    lastType: 'Regular', latest: { at: last, writtenTotal: 0, appConsistent: false }, points: hourly,
    lastHourlyAt: last, lastAppConsistentAt: hourly.findLast((p) => p.appConsistent)?.at ?? last - 24 * 3_600_000,
    healthDetails: [], afterTransfer: null,
  };
  return rel;
}

/** Caches the records, their replication settings, the write rate and the WAN link on the relationship. */
export function wireRelationship(world: LabWorld, rel: Relationship): void {
  rel.source = world.vms.get(rel.sourceId)!;
  rel.target = world.vms.get(rel.targetId)!;
  rel.srcField = rel.kind === 'simple' ? 'replication' : 'extendedReplication';
  rel.srcRep = rel.source[rel.srcField]!;
  rel.dstRep = rel.target.replication!;
  rel.rate = world.profile(rel.source)?.writeBytesPerSec ?? 0;
  const cloud = world.siteRole(rel.source.siteId) === 'cloud' || world.siteRole(rel.target.siteId) === 'cloud';
  const id: LabLinkId = cloud ? 'dr-cloud' : 'primary-dr';
  rel.link = world.links.get(id)!;
}
