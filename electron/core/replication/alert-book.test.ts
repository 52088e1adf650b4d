import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../testing/memory-ports.ts';
import { AlertBook } from './alert-book.ts';

const alert = (vmId: string) => ({
  vmId, vmName: vmId, tier: 2 as const, kind: 'rpo' as const, severity: 'warning' as const, message: `${vmId} is behind`, raisedAt: 1, raisedWallAt: 1,
});

describe('alert book', () => {
  it('keeps the first alert raised after a crash tore the last line of its journal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-alerts-'));
    const first = new AlertBook(dir, silentLogger());
    first.raise(alert('vm-1'));
    first.close();
    appendFileSync(join(dir, 'alerts.jsonl'), '{"type":"raised","alert":{"id":"A0'); // killed mid-write
    const second = new AlertBook(dir, silentLogger());
    second.raise(alert('vm-2'));
    second.close();
    expect(new AlertBook(dir, silentLogger()).list().map((a) => a.vmId).sort()).toEqual(['vm-1', 'vm-2']);
  });
});
