/**
 * Min-heap of (time, id) with lazy deletion: the estate store asks "which RPOs run out by now?"
 * on every clock tick, and on a 10,000-VM estate walking every VM per tick costs more than the
 * simulation itself. Stale entries are skipped by the caller's check, not removed here.
 */
export class BreachQueue {
  private readonly times: number[] = [];
  private readonly ids: string[] = [];

  get size(): number {
    return this.times.length;
  }

  push(time: number, id: string): void {
    this.times.push(time);
    this.ids.push(id);
    let i = this.times.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.times[parent]! <= this.times[i]!) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes and returns every id due at or before `now`, earliest first. */
  popDue(now: number): string[] {
    const due: string[] = [];
    while (this.times.length > 0 && this.times[0]! <= now) {
      due.push(this.ids[0]!);
      const lastTime = this.times.pop()!;
      const lastId = this.ids.pop()!;
      if (this.times.length === 0) break;
      this.times[0] = lastTime;
      this.ids[0] = lastId;
      this.siftDown(0);
    }
    return due;
  }

  private siftDown(i: number): void {
    const n = this.times.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && this.times[left]! < this.times[smallest]!) smallest = left;
      if (right < n && this.times[right]! < this.times[smallest]!) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(a: number, b: number): void {
    [this.times[a], this.times[b]] = [this.times[b]!, this.times[a]!];
    [this.ids[a], this.ids[b]] = [this.ids[b]!, this.ids[a]!];
  }
}
