import { describe, expect, it } from 'vitest';
import { cluster, estate, host, replication, site, vm } from '../../testing/estate-fixture.ts';
import { cellStatus, groupHeatmap, tallyStatuses } from './heatmap-model.ts';

const h = host('a1', 'A', 'ca');
const rpo = (met: boolean) => ({ targetSec: 120, met, breachAt: null });

describe('heatmap cell status', () => {
  it('reads health and RPO compliance as the core decided them, worst first', () => {
    expect(cellStatus(vm('1', h, { rpo: rpo(true) }))).toBe('ok');
    expect(cellStatus(vm('1', h, { rpo: rpo(true), replication: replication('Primary', { health: 'Warning' }) }))).toBe('warning');
    // A missed RPO outranks a Warning; a Critical health outranks a missed RPO.
    expect(cellStatus(vm('1', h, { rpo: rpo(false), replication: replication('Primary', { health: 'Warning' }) }))).toBe('breach');
    expect(cellStatus(vm('1', h, { rpo: rpo(false), replication: replication('Primary', { health: 'Critical' }) }))).toBe('critical');
    expect(cellStatus(vm('1', h, { rpo: rpo(true), replication: replication('Primary', { health: 'NotApplicable' }) }))).toBe('idle');
    expect(cellStatus(vm('1', h, { replication: null }))).toBe('idle');
  });
});

describe('heatmap grouping', () => {
  const hA1 = host('a1', 'A', 'ca');
  const hA2 = host('a2', 'A', 'cb');
  const hB = host('b1', 'B', 'cd');
  const hC = host('c1', 'C', 'cc');
  const snapshot = estate({
    sites: [site('C', 'dr', ['cc']), site('A', 'primary', ['ca', 'cb']), site('B', 'cloud', ['cd'])],
    clusters: [cluster('ca', 'A', ['a1']), cluster('cb', 'A', ['a2']), cluster('cc', 'C', ['c1']), cluster('cd', 'B', ['b1'])],
    hosts: [hA1, hA2, hB, hC],
    vms: [
      vm('p10', hA1, { name: 'app-10', rpo: rpo(true) }),
      vm('p2', hA1, { name: 'app-2', rpo: rpo(false) }),
      vm('p3', hA2, { name: 'db-1', rpo: rpo(true) }),
      // Replica copies and extended copies are not cells: only the protected (primary) copy is.
      vm('r2', hC, { name: 'app-2', vmId: 'vm-p2', replication: replication('Replica') }),
      vm('e2', hB, { name: 'app-2', vmId: 'vm-p2', replication: replication('ExtendedReplica', { relationship: 'Extended' }) }),
      // An unprotected VM is not a cell either.
      vm('u1', hA1, { name: 'scratch', replication: null }),
      vm('p4', hC, { name: 'dr-local', rpo: rpo(true) }),
    ],
  });

  it('puts every protected VM in one cell, grouped site → cluster, primary site first, names in natural order', () => {
    const sites = groupHeatmap(snapshot);
    expect(sites.map((s) => [s.id, s.clusters.map((c) => [c.name, c.vmIds])])).toEqual([
      ['A', [['cl-ca', ['p2', 'p10']], ['cl-cb', ['p3']]]],
      ['C', [['cl-cc', ['p4']]]],
    ]);
  });

  it('tallies the cells by status for the legend', () => {
    expect(tallyStatuses(groupHeatmap(snapshot), snapshot.vms)).toEqual({ critical: 0, breach: 1, warning: 0, idle: 0, ok: 3 });
  });
});
