import type { VmRun } from '../../../shared/model/recovery-run.ts';
import type { BackendClock } from '../backends/backend-port.ts';

interface Waiter { vm: VmRun; resolve: () => void; reject: (error: Error) => void }

/**
 * Who may boot now. Requests made in the same instant are granted together in boot order
 * (longest first) rather than in the order promises happened to settle, within the boot-storm
 * limits, once the VM's dependencies are healthy.
 */
export class BootGate {
  private waiting: Waiter[] = [];
  private readonly byHost = new Map<string, number>();
  private readonly byCluster = new Map<string, number>();
  private readonly holding = new Set<string>();
  private scheduled = false;
  private readonly clock: BackendClock;
  private readonly limits: { perHost: number | null; perCluster: number | null };
  private readonly ready: (vm: VmRun) => boolean;

  constructor(clock: BackendClock, limits: { perHost: number | null; perCluster: number | null }, ready: (vm: VmRun) => boolean) {
    this.clock = clock;
    this.limits = limits;
    this.ready = ready;
  }

  request(vm: VmRun): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ vm, resolve, reject });
      this.poke();
    });
  }

  /** The VM stopped booting (heartbeat seen, or it failed): its slot goes to the next one. */
  release(name: string, host: string, cluster: string): void {
    if (!this.holding.delete(name)) return;
    this.byHost.set(host, this.byHost.get(host)! - 1);
    this.byCluster.set(cluster, this.byCluster.get(cluster)! - 1);
    this.poke();
  }

  /** Something a waiting VM depends on may have changed. */
  poke(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    void this.clock.sleep(0).then(() => { this.scheduled = false; this.dispatch(); });
  }

  cancelAll(error: Error): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w.reject(error);
  }

  private dispatch(): void {
    this.waiting.sort((a, b) => a.vm.group - b.vm.group || a.vm.order - b.vm.order);
    const still: Waiter[] = [];
    for (const w of this.waiting) {
      const { vm } = w;
      const host = this.byHost.get(vm.targetHost) ?? 0;
      const cluster = this.byCluster.get(vm.targetCluster) ?? 0;
      if (!this.ready(vm) || (this.limits.perHost !== null && host >= this.limits.perHost) || (this.limits.perCluster !== null && cluster >= this.limits.perCluster)) {
        still.push(w);
        continue;
      }
      this.byHost.set(vm.targetHost, host + 1);
      this.byCluster.set(vm.targetCluster, cluster + 1);
      this.holding.add(vm.name);
      w.resolve();
    }
    this.waiting = still;
  }
}
