import type { LabLink, LabLinkId } from '../../../../shared/model/lab.ts';
import { BinaryHeap } from '../../util/binary-heap.ts';
import type { EventQueue, ScheduledEvent } from './event-queue.ts';

export interface Transfer {
  readonly bytes: number;
  /** Cancels without calling either callback (the sender gave up, e.g. its host crashed). */
  abort(): void;
}

export interface Flow extends Transfer {
  finishV: number;
  done: () => void;
  fail: (reason: string) => void;
  live: boolean;
  /** Who sent it, when the sender can re-create its callbacks from a snapshot; else undefined. */
  readonly owner: object | undefined;
  readonly link: WanLink;
}

/**
 * The link's events, as data a snapshot keeps (see EventQueue's tags): the link itself for its next
 * completion, the flow for a delivery one latency later, flow and reason for a send to a link that
 * was down. Existing objects, not new ones: the lab runs millions of these events.
 */
export interface FailTag { flow: Flow; reason: string }

/** A link's state between events, flows by their index in the snapshot's list of flows. */
export interface LinkState {
  factor: number;
  extraLatency: number;
  cuts: number;
  virtual: number;
  updatedAt: number;
  active: number;
  deliveredBytes: number;
  /** The flow heap's array, in its own order: pushing it back in that order rebuilds it exactly. */
  flows: number[];
}

interface WanLinkSpec {
  id: LabLinkId;
  name: string;
  bitsPerSec: number;
  latencyMs: number;
}

/**
 * A WAN link shared fairly by every transfer on it (each of n flows gets 1/n of the bandwidth, as
 * TCP flows roughly do). Processor sharing in "virtual time": V grows by bandwidth/n per second, a
 * flow that starts at V0 with S bytes ends when V reaches V0+S, so arrivals and departures cost
 * O(log n) however many VMs replicate at once.
 */
export class WanLink {
  readonly id: LabLinkId;
  readonly name: string;
  readonly nominalBitsPerSec: number;
  readonly nominalLatencyMs: number;
  private factor = 1;
  private extraLatency = 0;
  private cuts = 0;
  private virtual = 0;
  private updatedAt: number;
  private readonly flows = new BinaryHeap<Flow>();
  private active = 0;
  private next: ScheduledEvent | null = null;
  private readonly queue: EventQueue;
  /** Bytes delivered since the lab started, for the status view. */
  deliveredBytes = 0;

  constructor(spec: WanLinkSpec, queue: EventQueue) {
    this.id = spec.id;
    this.name = spec.name;
    this.nominalBitsPerSec = spec.bitsPerSec;
    this.nominalLatencyMs = spec.latencyMs;
    this.queue = queue;
    this.updatedAt = queue.now;
  }

  get up(): boolean { return this.cuts === 0; }
  get bytesPerSec(): number { return (this.nominalBitsPerSec * this.factor) / 8; }
  get latencyMs(): number { return this.nominalLatencyMs + this.extraLatency; }
  get activeTransfers(): number { return this.active; }

  /**
   * Starts a transfer; done runs one latency after the last byte left, fail if the link drops. An
   * owner (the replication relationship) marks a transfer a snapshot can keep and re-create.
   */
  send(bytes: number, done: () => void, fail: (reason: string) => void, owner?: object): Transfer {
    this.advance();
    const flow = this.makeFlow(bytes, this.virtual + bytes, true, owner, done, fail);
    if (!this.up) {
      flow.live = false;
      const reason = `${this.name} is down`;
      this.queue.after(0, () => fail(reason), owner ? { flow, reason } satisfies FailTag : undefined);
      return flow;
    }
    this.flows.push(flow, flow.finishV);
    this.active += 1;
    // An arrival only delays the others; the pending wake-up is still early enough unless the
    // newcomer itself finishes first. Waking early is harmless: complete() reschedules.
    if (!this.next || this.flows.peek() === flow) this.reschedule();
    return flow;
  }

  /** Several faults may hold a link down at once (a cut and a site loss); it returns when all clear. */
  cut(): void {
    this.advance();
    this.cuts += 1;
    if (this.cuts > 1) return;
    const failed = this.flows.clear().filter((f) => f.live);
    this.active = 0;
    this.next?.cancel();
    this.next = null;
    for (const flow of failed) {
      flow.live = false;
      flow.fail(`${this.name} is down`);
    }
  }

  restore(): void {
    if (this.cuts === 0) return;
    this.cuts -= 1;
    this.updatedAt = this.queue.now;
  }

  degrade(factor: number, extraLatencyMs: number): void {
    this.advance();
    this.factor = factor;
    this.extraLatency = extraLatencyMs;
    this.reschedule();
  }

  status(): LabLink {
    return {
      id: this.id, name: this.name,
      bandwidthBitsPerSec: this.nominalBitsPerSec * this.factor,
      latencyMs: this.latencyMs,
      state: !this.up ? 'down' : this.factor < 1 || this.extraLatency > 0 ? 'degraded' : 'up',
      activeTransfers: this.active,
    };
  }

  /** A flow object, new or as a snapshot kept it (its callbacks re-created by its owner). */
  makeFlow(bytes: number, finishV: number, live: boolean, owner: object | undefined, done: () => void, fail: (reason: string) => void): Flow {
    const flow: Flow = {
      bytes, finishV, done, fail, live, owner, link: this,
      abort: () => {
        if (!flow.live) return;
        flow.live = false;
        this.advance();
        this.active -= 1;
        this.reschedule();
      },
    };
    return flow;
  }

  /** The flows in the heap, in the heap's order, for a snapshot. */
  heapFlows(): Flow[] { return this.flows.toArray(); }

  saveState(indexOf: (flow: Flow) => number): LinkState {
    return {
      factor: this.factor, extraLatency: this.extraLatency, cuts: this.cuts, virtual: this.virtual, updatedAt: this.updatedAt,
      active: this.active, deliveredBytes: this.deliveredBytes, flows: this.flows.toArray().map(indexOf),
    };
  }

  /** Puts back a saved state; its pending events come back through resume() in the queue's order. */
  restoreState(state: LinkState, flows: readonly Flow[]): void {
    this.factor = state.factor;
    this.extraLatency = state.extraLatency;
    this.cuts = state.cuts;
    this.virtual = state.virtual;
    this.updatedAt = state.updatedAt;
    this.active = state.active;
    this.deliveredBytes = state.deliveredBytes;
    this.flows.clear();
    for (const index of state.flows) this.flows.push(flows[index]!, flows[index]!.finishV);
    this.next = null;
  }

  // This link's events a snapshot kept, scheduled again.
  resumeCompletion(at: number): void {
    this.next = this.queue.at(at, () => this.complete(), this);
  }

  resumeDelivery(at: number, flow: Flow): void {
    this.queue.at(at, flow.done, flow);
  }

  resumeFailure(at: number, flow: Flow, reason: string): void {
    this.queue.at(at, () => flow.fail(reason), { flow, reason } satisfies FailTag);
  }

  private advance(): void {
    const now = this.queue.now;
    if (this.active > 0 && this.up) this.virtual += ((now - this.updatedAt) / 1000) * (this.bytesPerSec / this.active);
    this.updatedAt = now;
  }

  private reschedule(): void {
    this.next?.cancel();
    this.next = null;
    while (this.flows.size > 0 && !this.flows.peek()!.live) this.flows.pop();
    const first = this.flows.peek();
    if (!first || !this.up) return;
    const seconds = ((first.finishV - this.virtual) * this.active) / this.bytesPerSec;
    // At least a millisecond: at epoch-scale times a smaller step would not move the clock at all.
    this.next = this.queue.after(Math.max(1, Math.ceil(seconds * 1000)), () => this.complete(), this);
  }

  private complete(): void {
    this.next = null;
    this.advance();
    // Whole milliseconds on the clock leave a sub-byte remainder; count it as delivered.
    const done: Flow[] = [];
    while (this.flows.size > 0 && this.flows.peek()!.finishV <= this.virtual + 1) {
      const flow = this.flows.pop()!;
      if (!flow.live) continue;
      flow.live = false;
      this.active -= 1;
      this.deliveredBytes += flow.bytes;
      done.push(flow);
    }
    this.reschedule();
    const latency = this.latencyMs;
    for (const flow of done) this.queue.after(latency, flow.done, flow.owner ? flow : undefined);
  }
}
