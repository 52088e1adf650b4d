import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_EPOCH } from './backends/lab/lab-source.ts';
import { createCore } from './core.ts';
import { memoryPorts, memorySettings } from './testing/memory-ports.ts';

const operator = { role: 'operator' as const, actor: 'test' };

/** A data folder where every journal has one line a disk or a hand edit damaged, between intact ones. */
function damagedDataDir(): { dir: string; files: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'standby-damaged-'));
  const files = {
    alerts: join(dir, 'alerts.jsonl'),
    audit: join(dir, 'audit', 'audit.jsonl'),
    migrations: join(dir, 'migrations', 'operations.jsonl'),
    lab: join(dir, 'lab', 'lab-seed7-vms20.jsonl'),
    run: join(dir, 'runs', '20261203093000-test-failover-0badc0de.jsonl'),
  };
  for (const file of Object.values(files)) mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(files.alerts, '{"type":"cleared","id":"A000001","at":1}\n\u0000\u0000\u0000garbage\n{"type":"cleared","id":"A000002","at":2}\n');
  writeFileSync(files.audit, '{"at":1,"actor":"ann","action":"Start-VM","target":"A","result":"ok"}\n{}\n{"at":2,"actor":"ann","action":"Stop-VM","target":"B","result":"ok"}\n');
  writeFileSync(files.migrations, 'not json at all\n');
  writeFileSync(files.lab, `{"at":${LAB_EPOCH + 1000},"cmd":"tick"}\n{"at":1e300,"cmd":"tick"}\n{"at":${LAB_EPOCH + 2000},"cmd":"tick"}\n`);
  // The header line of a run is lost: the run cannot be resumed, but it must still be listed.
  writeFileSync(files.run, '{"seq":1,"wrote":1,"change":{"type":"run","val\u0000\u0000\n');
  return { dir, files };
}

describe('a data folder with damaged journals', () => {
  it('starts, keeps every bad line aside, tells the operator which file and line, and lists the damaged run', { timeout: 20_000 }, async () => {
    const { dir, files } = damagedDataDir();
    const core = await createCore(memoryPorts({ dataDir: dir, settings: memorySettings({ lab: { seed: 7, vmCount: 20 } }) }));
    try {
      const info = await core.handle('session.info', {}, operator) as { dataProblems: { problems: { file: string; line: number | null; problem: string; keptIn: string }[]; total: number } };
      const where = info.dataProblems.problems.map((p) => `${p.file}:${p.line}`).sort();
      expect(where).toEqual([`${files.alerts}:2`, `${files.audit}:2`, `${files.lab}:2`, `${files.migrations}:1`, `${files.run}:1`].sort());
      for (const p of info.dataProblems.problems) expect(readFileSync(p.keptIn, 'utf8')).toContain(p.file);
      expect(info.dataProblems.problems.find((p) => p.file === files.lab)!.problem).toMatch(/impossible time/);
      // The lab replayed up to the last sane record instead of spinning towards 1e300.
      const snapshot = await core.handle('estate.snapshot', {}, operator) as { clock: { now: number } };
      expect(snapshot.clock.now).toBeGreaterThanOrEqual(LAB_EPOCH + 2000);
      const { runs } = await core.handle('recovery.list', {}, operator) as { runs: { id: string; type: string; journalDamage?: string[] }[] };
      expect(runs).toEqual([expect.objectContaining({ id: '20261203093000-test-failover-0badc0de', type: 'test-failover', journalDamage: [expect.stringContaining(`${files.run}, line 1`)] })]);
      await expect(core.handle('recovery.get', { runId: runs[0]!.id }, operator)).rejects.toThrow(/cannot be read: .*line 1/);
    } finally {
      await core.dispose();
    }
  });
});
