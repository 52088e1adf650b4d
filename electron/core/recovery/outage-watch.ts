import type { EstateSnapshot, PatchBatch } from '../../../shared/model/estate.ts';
import type { BackendEvent } from '../backends/backend-port.ts';
import type { LossSighting } from './run-clock.ts';

/** Backend event kinds that date a host's loss and its return (the cluster's node events). */
const HOST_DOWN = new Set(['cluster.node-down']);
const HOST_UP = new Set(['cluster.node-up', 'cluster.node-resumed']);

/**
 * Remembers when the estate first saw each host go down, from the backend's own events (which carry
 * the backend's time: the lab's simulated clock, the host's on real estates), so an unplanned
 * failover can count its RTO from the disaster rather than from the operator's decision, and its RPO
 * up to the moment the primary was last seen alive. A host that comes back ends its outage: the next
 * loss is a new disaster.
 */
export class OutageWatch {
  private readonly downAt = new Map<string, number>();
  private readonly estate: { snapshot(): EstateSnapshot };

  constructor(estate: { snapshot(): EstateSnapshot }) {
    this.estate = estate;
  }

  observe(events: readonly BackendEvent[]): void {
    for (const event of events) {
      if (!event.host) continue;
      const key = event.host.toLowerCase();
      if (HOST_DOWN.has(event.kind)) {
        // An event dates the loss better than the estate poll that may have seen it first.
        const seen = this.downAt.get(key);
        if (seen === undefined || event.at < seen) this.downAt.set(key, event.at);
      } else if (HOST_UP.has(event.kind)) {
        this.downAt.delete(key);
      }
    }
  }

  /**
   * The estate's own view, for backends that send no node events (PowerShell reads cluster node
   * state by polling): a host seen Down for the first time is dated by the estate clock of the batch
   * that said so, no later than one poll after it happened; seen Up again, its outage is over.
   */
  observeEstate(batch: PatchBatch): void {
    let estate: EstateSnapshot | null = null;
    for (const patch of batch.patches) {
      let state: string | undefined;
      let name: string | undefined;
      if (patch.op === 'put' && patch.kind === 'host') {
        ({ state, name } = patch.value);
      } else if (patch.op === 'merge' && patch.kind === 'host' && patch.value.state !== undefined) {
        state = patch.value.state;
        estate ??= this.estate.snapshot();
        name = estate.hosts[patch.id]?.name;
      }
      if (state === undefined) continue;
      estate ??= this.estate.snapshot();
      name = name?.toLowerCase();
      if (!name) continue;
      if (state === 'Down') {
        if (!this.downAt.has(name)) this.downAt.set(name, estate.clock.now);
      } else if (state !== 'Unknown') {
        this.downAt.delete(name); // Up, Paused (maintenance) or Joining: answering again
      }
    }
  }

  /** When this host was seen going down, if it is down now and the watch saw it happen. */
  hostDownAt(hostName: string): number | null {
    return this.downAt.get(hostName.toLowerCase()) ?? null;
  }

  /**
   * The loss of a site as seen so far: the first of its hosts to go down in the current outage; a
   * site-loss when every host of the site is down. Hosts the estate shows down whose fall was not
   * seen (down before this console started) cannot date anything: null when no host is dated.
   */
  lossOf(siteId: string): LossSighting | null {
    const estate = this.estate.snapshot();
    const site = estate.sites[siteId];
    if (!site) return null;
    const hosts = Object.values(estate.hosts).filter((h) => h.siteId === siteId);
    const dated = hosts
      .map((h) => ({ name: h.name, at: this.hostDownAt(h.name) }))
      .filter((h): h is { name: string; at: number } => h.at !== null)
      .sort((a, b) => a.at - b.at);
    const first = dated[0];
    if (!first) return null;
    const allDown = hosts.length > 0 && hosts.every((h) => h.state === 'Down' || this.hostDownAt(h.name) !== null);
    return allDown
      ? { at: first.at, basis: 'site-lost', detail: `${site.name} lost: all ${hosts.length} of its hosts down, ${first.name} first` }
      : { at: first.at, basis: 'hosts-down', detail: `${first.name} at ${site.name} went down (${dated.length} of ${hosts.length} hosts down)` };
  }
}
