import type { LabEvent, LabLinkId } from '../../../../shared/model/lab.ts';
import { clonePlain } from './clone-plain.ts';
import type { WorldState } from './lab-world.ts';
import type { MigrationState } from './live-migration.ts';
import type { SavedFault } from './faults.ts';
import { wireRelationship, type Relationship } from './replication-relationship.ts';
import type { LabSimulation } from './simulation.ts';
import { WanLink, type FailTag, type Flow, type LinkState } from './wan-link.ts';

/**
 * A lab world between operations, as data: what the lab's journal replays up to, so start-up costs
 * the size of the estate and not the hours the lab has run. Only replication cycles and their WAN
 * transfers can be pending (their events carry tags that say what they are); while anything else is
 * in flight — a boot, a migration, a failover, a cluster's recovery — the world is not snapshotted
 * and the next quiet moment is. Bump the version when the shape or the meaning of any part changes:
 * a snapshot of another version is ignored and the journal replayed from the seed.
 */
export const LAB_SNAPSHOT_VERSION = 1;

type RelationshipLinks = 'source' | 'target' | 'srcRep' | 'dstRep' | 'srcField' | 'rate' | 'link' | 'transfer' | 'cycle' | 'afterTransfer';
const RELATIONSHIP_LINKS: readonly RelationshipLinks[] = ['source', 'target', 'srcRep', 'dstRep', 'srcField', 'rate', 'link', 'transfer', 'cycle', 'afterTransfer'];
/** A relationship's own data; its records, link and callbacks are wired again on restore. */
type SavedRelationship = Omit<Relationship, RelationshipLinks> & { transfer: number | null };

interface SavedFlow {
  link: LabLinkId;
  bytes: number;
  finishV: number;
  live: boolean;
  /** The relationship that sent it; null for an aborted flow nobody will call back. */
  owner: number | null;
}

type SavedEvent =
  | { at: number; kind: 'cycle'; rel: number }
  | { at: number; kind: 'complete'; link: LabLinkId }
  | { at: number; kind: 'deliver'; link: LabLinkId; flow: number }
  | { at: number; kind: 'fail'; link: LabLinkId; flow: number; reason: string };

export interface LabSnapshot {
  version: typeof LAB_SNAPSHOT_VERSION;
  now: number;
  processed: number;
  world: WorldState;
  log: { ring: LabEvent[]; hash: number; count: number };
  relationships: SavedRelationship[];
  bySource: [string, number[]][];
  flows: SavedFlow[];
  links: [LabLinkId, LinkState][];
  /** Pending events in the order they will run. */
  events: SavedEvent[];
  power: { generation: [string, number][]; hostBoots: [string, number][] };
  migration: MigrationState;
  faults: { active: SavedFault[]; nextId: number };
  testVms: [string, string][];
}

/** The world as a snapshot, or why it cannot be taken now (an operation is in flight). */
export function captureSnapshot(sim: LabSimulation): LabSnapshot | string {
  const pending = sim.world.queue.pending();
  if (pending.some((e) => e.tag === undefined)) return 'an operation is in flight';
  if (!sim.power.idle) return 'a guest is booting';
  if (!sim.migration.idle) return 'a migration is queued or running';
  const rels = sim.replication.relationships;
  if (rels.some((r) => r.preparing || r.afterTransfer)) return 'a planned failover is sending its last changes';
  const relIndex = new Map(rels.map((r, i) => [r, i]));

  const flows: SavedFlow[] = [];
  const flowIndex = new Map<Flow, number>();
  let unowned = false;
  const indexFlow = (flow: Flow, link: LabLinkId, calledBack: boolean): number => {
    const known = flowIndex.get(flow);
    if (known !== undefined) return known;
    const owner = flow.owner === undefined ? null : relIndex.get(flow.owner as Relationship) ?? null;
    if (owner === null && (calledBack || flow.live)) unowned = true;
    flowIndex.set(flow, flows.length);
    flows.push({ link, bytes: flow.bytes, finishV: flow.finishV, live: flow.live, owner });
    return flows.length - 1;
  };

  const events: SavedEvent[] = [];
  // Tags (see where each is scheduled): a relationship for its cycle, a link for its next completion,
  // a flow for its delivery, a FailTag for a send to a link that was down.
  for (const event of pending) {
    const tag = event.tag!;
    const rel = relIndex.get(tag as Relationship);
    if (rel !== undefined) {
      if ((tag as Relationship).cycle !== event) return 'a replication cycle is pending twice';
      events.push({ at: event.at, kind: 'cycle', rel });
    } else if (tag instanceof WanLink) {
      events.push({ at: event.at, kind: 'complete', link: tag.id });
    } else if ('finishV' in tag) {
      const flow = tag as Flow;
      events.push({ at: event.at, kind: 'deliver', link: flow.link.id, flow: indexFlow(flow, flow.link.id, true) });
    } else if ('reason' in tag) {
      const { flow, reason } = tag as FailTag;
      events.push({ at: event.at, kind: 'fail', link: flow.link.id, flow: indexFlow(flow, flow.link.id, true), reason });
    } else {
      return 'an event of unknown kind is pending';
    }
  }
  const links: [LabLinkId, LinkState][] = [...sim.world.links].map(([id, link]) => [id, link.saveState((flow) => indexFlow(flow, id, false))]);
  const relationships = rels.map((rel): SavedRelationship => {
    const data: Record<string, unknown> = {};
    for (const key of Object.keys(rel) as (keyof Relationship)[]) {
      if (!(RELATIONSHIP_LINKS as readonly string[]).includes(key)) data[key] = clonePlain(rel[key]);
    }
    const transfer = rel.transfer ? indexFlow(rel.transfer as Flow, (rel.transfer as Flow).link.id, true) : null;
    return { ...(data as Omit<Relationship, RelationshipLinks>), transfer };
  });
  if (unowned) return 'a transfer of an operation is on the WAN';

  return {
    version: LAB_SNAPSHOT_VERSION,
    now: sim.now,
    processed: sim.world.queue.processed,
    world: sim.world.saveState(),
    log: sim.world.log.saveState(),
    relationships,
    bySource: sim.replication.saveIndex(),
    flows,
    links,
    events,
    power: sim.power.saveState(),
    migration: sim.migration.saveState(),
    faults: sim.faults.saveState(),
    testVms: [...sim.failover.testVms],
  };
}

/**
 * Puts a snapshot's world into a simulation built from the same seed and VM count (its estate, its
 * links and its engines; what they scheduled at construction is dropped). Run forward, it does what
 * the world it was taken from did.
 */
export function restoreSnapshot(sim: LabSimulation, snapshot: LabSnapshot): void {
  const world = sim.world;
  world.queue.reset(snapshot.now, snapshot.processed);
  world.restoreState(snapshot.world);
  world.log.restoreState(snapshot.log);

  const rels = snapshot.relationships.map((saved): Relationship => {
    const rel = { ...clonePlain(saved), transfer: null, cycle: null, afterTransfer: null } as unknown as Relationship;
    wireRelationship(world, rel);
    return rel;
  });
  sim.replication.restoreState(rels, snapshot.bySource);

  const linkOf = (id: LabLinkId) => {
    const link = world.links.get(id);
    if (!link) throw new Error(`the snapshot names a WAN link ${JSON.stringify(id)} this lab does not have`);
    return link;
  };
  const noop = () => {};
  const flows = snapshot.flows.map((saved): Flow => {
    const link = linkOf(saved.link);
    if (saved.owner === null) return link.makeFlow(saved.bytes, saved.finishV, saved.live, undefined, noop, noop);
    const rel = rels[saved.owner];
    if (!rel) throw new Error(`a WAN transfer names relationship ${saved.owner}, which the snapshot does not have`);
    const { done, fail } = sim.replication.transferCallbacks(rel);
    return link.makeFlow(saved.bytes, saved.finishV, saved.live, rel, done, fail);
  });
  snapshot.relationships.forEach((saved, i) => {
    if (saved.transfer !== null) rels[i]!.transfer = flows[saved.transfer]!;
  });
  for (const [id, state] of snapshot.links) linkOf(id).restoreState(state, flows);

  for (const event of snapshot.events) {
    if (event.kind === 'cycle') {
      sim.replication.resumeCycle(rels[event.rel]!, event.at);
      continue;
    }
    const link = linkOf(event.link);
    if (event.kind === 'complete') link.resumeCompletion(event.at);
    else if (event.kind === 'deliver') link.resumeDelivery(event.at, flows[event.flow]!);
    else link.resumeFailure(event.at, flows[event.flow]!, event.reason);
  }

  sim.power.restoreState(snapshot.power);
  sim.migration.restoreState(snapshot.migration);
  sim.faults.restoreState(snapshot.faults);
  sim.failover.testVms.clear();
  for (const [replica, test] of snapshot.testVms) sim.failover.testVms.set(replica, test);
}
