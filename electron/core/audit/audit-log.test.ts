import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HyperVBackend } from '../backends/backend-port.ts';
import { auditedBackend } from './audited-backend.ts';
import { createAuditLog } from './audit-log.ts';

describe('audit log', () => {
  it('appends JSONL durably and reads back by filter', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'standby-audit-')), 'audit.jsonl');
    const log = createAuditLog(file);
    log.append({ at: 1, actor: 'ann', action: 'Start-VM', target: 'EHRDB01 on DRHV-101', result: 'ok' });
    log.append({ at: 2, actor: 'bob', action: 'Stop-VM', target: 'WEB01 on HV-A01', result: 'error', detail: 'refused' });
    await Promise.resolve();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2); // on disk by the end of the burst
    expect(log.read({ actor: 'bob' })).toEqual([expect.objectContaining({ action: 'Stop-VM', result: 'error' })]);
    expect(log.read({ target: 'ehrdb' })).toHaveLength(1);
    expect(log.read({ since: 2 })).toHaveLength(1);
    expect(log.read({ limit: 1 })[0]!.actor).toBe('bob');
    log.close();
    expect(createAuditLog(file).read()).toHaveLength(2);
  });
});

describe('audit log after a crash or a full disk', () => {
  it('keeps the first entry written after a crash tore the last line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'standby-audit-')), 'audit.jsonl');
    const first = createAuditLog(file);
    first.append({ at: 1, actor: 'ann', action: 'Start-VM', target: 'A', result: 'ok' });
    first.close();
    appendFileSync(file, '{"at":2,"actor":"ann","act'); // killed mid-write
    const second = createAuditLog(file);
    second.append({ at: 3, actor: 'bob', action: 'Stop-VM', target: 'B', result: 'ok' });
    second.close();
    expect(createAuditLog(file).read().map((e) => e.at)).toEqual([1, 3]);
  });

  it('a write that fails is an error with a sentence for the caller, not a log line', () => {
    const log = createAuditLog('/dev/full'); // every write: ENOSPC
    log.append({ at: 1, actor: 'ann', action: 'Start-VM', target: 'A', result: 'ok' });
    expect(() => log.flush()).toThrow(/^Could not save the audit log: the disk is full/);
  });
});

describe('audited backend', () => {
  it('puts the started records of calls made in the same turn on disk with one flush, each before its call leaves', async () => {
    const order: string[] = [];
    const log = createAuditLog(join(mkdtempSync(join(tmpdir(), 'standby-audit-')), 'audit.jsonl'));
    const flush = log.flush.bind(log);
    log.flush = () => { order.push('flush'); flush(); };
    const backend = { startVM: async (target: { vmName: string }) => { order.push(`call ${target.vmName}`); } } as unknown as HyperVBackend;
    const audited = auditedBackend(backend, log, { actor: 'ann', now: () => 1 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => audited.startVM({ vmName: `VM${i}`, computerName: 'H' })));
    expect(order[0]).toBe('flush');
    expect(order.filter((o) => o === 'flush')).toHaveLength(1);
    expect(order.filter((o) => o.startsWith('call'))).toHaveLength(50);
    expect(log.read({ action: 'Start-VM' }).filter((e) => e.result === 'started')).toHaveLength(50);
  });
});

describe('audited backend on a full disk', () => {
  it('does not make a call whose started record could not be saved, and says why', async () => {
    const calls: string[] = [];
    const backend = { startVM: async (target: unknown) => { calls.push(JSON.stringify(target)); } } as unknown as HyperVBackend;
    const audited = auditedBackend(backend, createAuditLog('/dev/full'), { actor: 'ann', now: () => 1 });
    await expect(audited.startVM({ vmName: 'A', computerName: 'H' })).rejects.toThrow(/^Could not save the audit log: the disk is full/);
    expect(calls).toEqual([]);
  });
});
