import { ContractError } from '../../../../shared/contract/errors.ts';

/**
 * Calls about single VMs on one host, made in the same turn of the event loop, leave as one line:
 * the orchestrator polls every VM it waits for at the same tick, so a host with 17 booting VMs is
 * asked once per tick, not 17 times. Each caller still gets its own VM's answer or error; a line that
 * fails as a whole fails every call in it. Asking for the same key twice in one batch sends it once.
 */
export class HostBatch<Item, Result> {
  private readonly pending = new Map<string, { items: Map<string, { item: Item; waiters: { resolve(r: Result): void; reject(e: unknown): void }[] }> }>();
  private scheduled = false;
  private readonly send: (host: string, items: Item[]) => Promise<(Result | Error)[]>;
  private readonly keyOf: (item: Item) => string;

  /** `send` answers one result or Error per item, in the order given. */
  constructor(send: (host: string, items: Item[]) => Promise<(Result | Error)[]>, keyOf: (item: Item) => string) {
    this.send = send;
    this.keyOf = keyOf;
  }

  ask(host: string, item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      let batch = this.pending.get(host);
      if (!batch) this.pending.set(host, (batch = { items: new Map() }));
      const key = this.keyOf(item);
      let entry = batch.items.get(key);
      if (!entry) batch.items.set(key, (entry = { item, waiters: [] }));
      entry.waiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After every caller woken in this turn (a tick's timers and their promise chains) has asked.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [host, batch] of batches) {
      const entries = [...batch.items.values()];
      this.send(host, entries.map((e) => e.item)).then((results) => {
        entries.forEach((entry, i) => {
          const result = results[i];
          for (const w of entry.waiters) {
            if (result === undefined) w.reject(new ContractError('backend', `${host} answered fewer items than it was asked; nothing was applied.`, host));
            else if (result instanceof Error) w.reject(result);
            else w.resolve(result);
          }
        });
      }, (error: unknown) => {
        for (const entry of entries) for (const w of entry.waiters) w.reject(error);
      });
    }
  }
}
