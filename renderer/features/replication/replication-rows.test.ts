import { describe, expect, it } from 'vitest';
import { cluster, estate, host, replication, site, vm } from '../../testing/estate-fixture.ts';
import { arrangeRows, buildRows, EMPTY_FILTER, filterRows, layoutReplication, sortRows, type RowCache } from './replication-rows.ts';
import { csvField, neutraliseFormula, rowsToCsv } from './csv-export.ts';

function fixture() {
  const hA = host('a1', 'A', 'ca');
  const hA2 = host('a2', 'A', 'ca');
  const hB = host('b1', 'B', 'cb');
  const vms = [
    vm('p1', hA, { vmId: 'g1', name: 'web-01', tier: 1, rpo: { targetSec: 900, met: true, breachAt: null } }),
    vm('r1', hB, { vmId: 'g1', name: 'web-01', state: 'Off', replication: replication('Replica'), extendedReplication: replication('Primary', { relationship: 'Extended', health: 'Warning' }) }),
    vm('p2', hA2, { vmId: 'g2', name: 'db-01', tier: 0, replication: replication('Primary', { health: 'Critical', frequencySec: 30 }), rpo: { targetSec: 120, met: false, breachAt: null } }),
    vm('p3', hA, { vmId: 'g3', name: '=cmd|calc', tier: 2, replication: replication('Primary', { health: 'Warning', pendingBytes: 5e9 }) }),
    vm('n1', hA, { vmId: 'g4', name: 'unprotected', replication: null }),
  ];
  return estate({ sites: [site('A', 'primary', ['ca']), site('B', 'dr', ['cb'])], clusters: [cluster('ca', 'A', ['a1', 'a2']), cluster('cb', 'B', ['b1'])], hosts: [hA, hA2, hB], vms });
}

describe('replication rows', () => {
  it('has one row per protected VM, with the DR copy’s host and extended status', () => {
    const s = fixture();
    const rows = buildRows(s, layoutReplication(s.vms), new WeakMap());
    expect(rows.map((r) => r.name).sort()).toEqual(['=cmd|calc', 'db-01', 'web-01']);
    const web = rows.find((r) => r.id === 'p1')!;
    expect(web.replicaHostName).toBe('hv-b1');
    expect(web.extended?.health).toBe('Warning');
    expect(rows.find((r) => r.id === 'p2')!.extended).toBeNull();
  });

  it('reuses a row object while its records are unchanged', () => {
    const s = fixture();
    const layout = layoutReplication(s.vms);
    const cache: RowCache = new WeakMap();
    const first = buildRows(s, layout, cache);
    const changed = { ...s, vms: { ...s.vms, p2: { ...s.vms.p2!, cpuUsagePct: 99 } } };
    const second = buildRows(changed, layout, cache);
    expect(second.find((r) => r.id === 'p1')).toBe(first.find((r) => r.id === 'p1'));
    expect(second.find((r) => r.id === 'p2')).not.toBe(first.find((r) => r.id === 'p2'));
  });

  it('filters, sorts worst first, and groups', () => {
    const s = fixture();
    const rows = buildRows(s, layoutReplication(s.vms), new WeakMap());
    expect(filterRows(rows, { ...EMPTY_FILTER, health: 'attention' }).map((r) => r.id).sort()).toEqual(['p2', 'p3']);
    expect(filterRows(rows, { ...EMPTY_FILTER, health: 'rpo-missed' }).map((r) => r.id)).toEqual(['p2']);
    expect(filterRows(rows, { ...EMPTY_FILTER, text: 'WEB' }).map((r) => r.id)).toEqual(['p1']);
    expect(filterRows(rows, { ...EMPTY_FILTER, text: 'hv-a2' }).map((r) => r.id)).toEqual(['p2']);
    expect(filterRows(rows, { ...EMPTY_FILTER, tier: '0' }).map((r) => r.id)).toEqual(['p2']);
    expect(sortRows(rows, { key: 'health', dir: 'asc' }).map((r) => r.id)).toEqual(['p2', 'p3', 'p1']);
    expect(sortRows(rows, { key: 'pending', dir: 'asc' })[0]!.id).toBe('p3');
    expect(sortRows(rows, { key: 'name', dir: 'desc' }).map((r) => r.name)).toEqual(['web-01', 'db-01', '=cmd|calc']);
    const grouped = arrangeRows(sortRows(rows, { key: 'name', dir: 'asc' }), 'host', new Set(['group:a2']));
    expect(grouped.map((i) => i.key)).toEqual(['group:a1', 'p3', 'p1', 'group:a2']);
    expect(grouped[3]).toMatchObject({ type: 'group', count: 1, critical: 1, collapsed: true });
  });
});

describe('CSV export', () => {
  it('neutralises formulas and escapes per RFC 4180', () => {
    expect(neutraliseFormula('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(neutraliseFormula('+1')).toBe("'+1");
    expect(neutraliseFormula('-1')).toBe("'-1");
    expect(neutraliseFormula('@x')).toBe("'@x");
    expect(neutraliseFormula('web-01')).toBe('web-01');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=1+2,3')).toBe(`"'=1+2,3"`);
    expect(csvField(42)).toBe('42');
    expect(csvField(null)).toBe('');
    expect(csvField(true)).toBe('yes');
  });

  it('writes a header and one line per row', () => {
    const s = fixture();
    const rows = sortRows(buildRows(s, layoutReplication(s.vms), new WeakMap()), { key: 'name', dir: 'asc' });
    const csv = rowsToCsv(rows, 10_000);
    const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]!.startsWith('Name,Tier,Site,Cluster,Primary host,Replica host')).toBe(true);
    expect(lines[1]!.startsWith("'=cmd|calc,T2,")).toBe(true);
    expect(lines[3]).toContain('web-01,T1,Site A,cl-ca,hv-a1,hv-b1,Replicating,Normal,300,');
  });
});
