import type { EstateSnapshot, PatchBatch } from '../../../shared/model/estate.ts';
import type { BackendEvent } from '../backends/backend-port.ts';
import type { LossSighting } from './run-clock.ts';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeIoError } from '../journal/durable-append.ts';
import { rewriteFile } from '../journal/rewrite-file.ts';
import type { LoggerPort } from '../ports.ts';

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
  private readonly file: string | null;
  private readonly logger: Pick<LoggerPort, 'warn'> | null;

  /**
   * `file`: where the sightings survive a restart. A console restarted between the disaster and the
   * failover would otherwise count the RTO from its own start. Kept on load only for hosts the estate
   * still shows Down: a host that came back meanwhile ended that outage.
   */
  constructor(estate: { snapshot(): EstateSnapshot }, persist?: { file: string; logger: Pick<LoggerPort, 'warn'> }) {
    this.estate = estate;
    this.file = persist?.file ?? null;
    this.logger = persist?.logger ?? null;
    if (this.file) this.load(this.file);
  }

  private load(file: string): void {
    let saved: unknown;
    try {
      saved = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.logger?.warn(`${file} could not be read; hosts already down are dated from now on, not from their loss.`, { error: String(error) });
      return;
    }
    const down = new Set(Object.values(this.estate.snapshot().hosts).filter((h) => h.state === 'Down').map((h) => h.name.toLowerCase()));
    if (!saved || typeof saved !== 'object') return;
    for (const [host, at] of Object.entries(saved as Record<string, unknown>)) {
      if (typeof at === 'number' && Number.isFinite(at) && down.has(host)) this.downAt.set(host, at);
    }
    if (this.downAt.size !== Object.keys(saved as object).length) this.save();
  }

  private save(): void {
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      rewriteFile(this.file, JSON.stringify(Object.fromEntries(this.downAt)));
    } catch (error) {
      // The watch goes on in memory: only a restart before the disk recovers loses the dates.
      this.logger?.warn(`The outage dates could not be saved (${describeIoError(error)}); they are kept in memory.`);
    }
  }

  /** True when it changed anything: the caller saves once for the whole batch (a site loss is 36 hosts). */
  private set(host: string, at: number | null): boolean {
    const before = this.downAt.get(host);
    if (at === null) { if (before === undefined) return false; this.downAt.delete(host); } else { if (before === at) return false; this.downAt.set(host, at); }
    return true;
  }

  observe(events: readonly BackendEvent[]): void {
    let changed = false;
    for (const event of events) {
      if (!event.host) continue;
      const key = event.host.toLowerCase();
      if (HOST_DOWN.has(event.kind)) {
        // An event dates the loss better than the estate poll that may have seen it first.
        const seen = this.downAt.get(key);
        if (seen === undefined || event.at < seen) changed = this.set(key, event.at) || changed;
      } else if (HOST_UP.has(event.kind)) {
        changed = this.set(key, null) || changed;
      }
    }
    if (changed) this.save();
  }

  /**
   * The estate's own view, for backends that send no node events (PowerShell reads cluster node
   * state by polling): a host seen Down for the first time is dated by the estate clock of the batch
   * that said so, no later than one poll after it happened; seen Up again, its outage is over.
   */
  observeEstate(batch: PatchBatch): void {
    let estate: EstateSnapshot | null = null;
    let changed = false;
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
        if (!this.downAt.has(name)) changed = this.set(name, estate.clock.now) || changed;
      } else if (state !== 'Unknown') {
        changed = this.set(name, null) || changed; // Up, Paused (maintenance) or Joining: answering again
      }
    }
    if (changed) this.save();
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
