import { describe, expect, it } from 'vitest';
import { cluster, estate, host, site, twoSiteEstate, vm } from '../../testing/estate-fixture.ts';
import { buildTopologyIndex, matchVms } from './topology-index.ts';
import { DEFAULT_EXPANSION, flattenTree, treeKeyAction, type Expansion } from './flatten-tree.ts';

const keys = (rows: Array<{ key: string }>) => rows.map((r) => r.key);

describe('flattenTree', () => {
  it('opens sites and clusters by default and keeps hosts closed', () => {
    const index = buildTopologyIndex(twoSiteEstate(2));
    const rows = flattenTree(index, { expansion: DEFAULT_EXPANSION, siteId: null, matches: null });
    expect(keys(rows)).toEqual(['site:A', 'cluster:ca', 'host:a1', 'site:B', 'cluster:cb', 'host:b1']);
    expect(rows[2]).toMatchObject({ level: 3, expanded: false, childCount: 2, parentKey: 'cluster:ca' });
  });

  it('lists VMs by name under an opened host, with their position in the set', () => {
    const index = buildTopologyIndex(twoSiteEstate(3));
    const expansion: Expansion = { base: 'default', overrides: new Map([['host:a1', true]]) };
    const rows = flattenTree(index, { expansion, siteId: 'A', matches: null });
    expect(keys(rows)).toEqual(['site:A', 'cluster:ca', 'host:a1', 'vm:p0', 'vm:p1', 'vm:p2']);
    expect(rows[5]).toMatchObject({ level: 4, expanded: null, posInSet: 3, setSize: 3 });
  });

  it('when searching shows only matching VMs and their ancestors, all open', () => {
    const index = buildTopologyIndex(twoSiteEstate(12));
    const matches = matchVms(index.vms, 'APP-01');
    const rows = flattenTree(index, { expansion: { base: 'none', overrides: new Map() }, siteId: null, matches });
    expect(keys(rows)).toEqual([
      'site:A', 'cluster:ca', 'host:a1', 'vm:p10', 'vm:p11',
      'site:B', 'cluster:cb', 'host:b1', 'vm:r10', 'vm:r11',
    ]);
  });

  it('drops sites without a match and returns no rows for no match', () => {
    const hA = host('a1', 'A', 'ca');
    const hB = host('b1', 'B', 'cb');
    const index = buildTopologyIndex(estate({
      sites: [site('A', 'primary', ['ca']), site('B', 'dr', ['cb'])],
      clusters: [cluster('ca', 'A', ['a1']), cluster('cb', 'B', ['b1'])],
      hosts: [hA, hB],
      vms: [vm('x', hA, { name: 'sql-01' }), vm('y', hB, { name: 'web-01' })],
    }));
    expect(keys(flattenTree(index, { expansion: DEFAULT_EXPANSION, siteId: null, matches: matchVms(index.vms, 'web') }))).toEqual(['site:B', 'cluster:cb', 'host:b1', 'vm:y']);
    expect(flattenTree(index, { expansion: DEFAULT_EXPANSION, siteId: null, matches: matchVms(index.vms, 'nothing') })).toEqual([]);
    expect(matchVms(index.vms, '   ')).toBeNull();
  });

  it('orders sites primary, DR, cloud', () => {
    const index = buildTopologyIndex(estate({
      sites: [site('C', 'cloud', []), site('B', 'dr', []), site('A', 'primary', [])], clusters: [], hosts: [], vms: [],
    }));
    expect(index.sites.map((s) => s.id)).toEqual(['A', 'B', 'C']);
  });

  it('groups the copies of a VM by vmId', () => {
    const index = buildTopologyIndex(twoSiteEstate(2));
    expect(index.vms.copiesByVmId.get('g1')?.slice().sort()).toEqual(['p1', 'r1']);
  });

  it('filters 10,000 VMs quickly', () => {
    const h = host('h', 'S', 'c');
    const vms = Array.from({ length: 10_000 }, (_, i) => vm(`v${i}`, h, { name: `vm-${String(i).padStart(5, '0')}` }));
    const index = buildTopologyIndex(estate({ sites: [site('S', 'primary', ['c'])], clusters: [cluster('c', 'S', ['h'])], hosts: [h], vms }));
    const started = performance.now();
    const rows = flattenTree(index, { expansion: DEFAULT_EXPANSION, siteId: null, matches: matchVms(index.vms, '0042') });
    expect(performance.now() - started).toBeLessThan(100);
    expect(rows.filter((r) => r.kind === 'vm')).toHaveLength(11); // 00042 and 00420–00429
  });
});

describe('treeKeyAction', () => {
  const index = buildTopologyIndex(twoSiteEstate(2));
  const rows = flattenTree(index, { expansion: { base: 'default', overrides: new Map([['host:a1', true]]) }, siteId: null, matches: null });

  it('moves with arrows, Home and End, clamped at the ends', () => {
    expect(treeKeyAction(rows, 'site:A', 'ArrowDown')).toEqual({ type: 'focus', key: 'cluster:ca' });
    expect(treeKeyAction(rows, 'site:A', 'ArrowUp')).toEqual({ type: 'focus', key: 'site:A' });
    expect(treeKeyAction(rows, 'vm:p0', 'End')).toEqual({ type: 'focus', key: 'host:b1' });
    expect(treeKeyAction(rows, 'vm:p0', 'Home')).toEqual({ type: 'focus', key: 'site:A' });
  });

  it('right expands a closed node or enters an open one; left collapses or goes to the parent', () => {
    expect(treeKeyAction(rows, 'host:b1', 'ArrowRight')).toEqual({ type: 'expand', key: 'host:b1' });
    expect(treeKeyAction(rows, 'host:a1', 'ArrowRight')).toEqual({ type: 'focus', key: 'vm:p0' });
    expect(treeKeyAction(rows, 'host:a1', 'ArrowLeft')).toEqual({ type: 'collapse', key: 'host:a1' });
    expect(treeKeyAction(rows, 'vm:p1', 'ArrowLeft')).toEqual({ type: 'focus', key: 'host:a1' });
    expect(treeKeyAction(rows, 'vm:p1', 'ArrowRight')).toBeNull();
  });

  it('Enter activates', () => {
    expect(treeKeyAction(rows, 'vm:p1', 'Enter')).toEqual({ type: 'activate', key: 'vm:p1' });
  });
});

