import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EstateInventory, SourcePatch } from '../estate-source.ts';
import { startDoubleBackend, type DoubleBackend } from '../../testing/powershell-double/double-backend.ts';

/** The backend port end to end: node-powershell → fake shell → hub → lab simulation, and back. */
let d: DoubleBackend;
let loaded: EstateInventory;
const patches: SourcePatch[] = [];

beforeAll(async () => {
  d = await startDoubleBackend({ seed: 11, vmCount: 60 });
  loaded = await d.backend.load();
  d.backend.onEvents(() => {});
  // start() with a long period: the test drives refreshes; changes' re-reads arrive here.
  d.backend.start((p) => patches.push(...p));
}, 60_000);
afterAll(() => d?.dispose());

const sorted = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));

describe('the PowerShell backend through the double', () => {
  it('loads the same estate the lab holds', () => {
    const lab = d.sim.inventory();
    expect(sorted(loaded.sites)).toEqual(sorted(lab.sites));
    expect(sorted(loaded.clusters)).toEqual(sorted(lab.clusters));
    expect(sorted(loaded.hosts)).toEqual(sorted(lab.hosts));
    expect(loaded.vms.map((v) => v.id).sort()).toEqual(lab.vms.map((v) => v.id).sort());
    const labVm = lab.vms.find((v) => v.id.startsWith('r:') && v.replication)!;
    const vm = loaded.vms.find((v) => v.id === labVm.id)!;
    expect(vm.replication).toEqual(labVm.replication);
    expect(vm.extendedReplication).toEqual(labVm.extendedReplication);
    expect(loaded.backend.kind).toBe('powershell');
  });

  it('refreshes replication in one round trip per cluster', async () => {
    d.hub.resetCounters();
    await d.backend.refresh();
    expect(d.hub.totalRoundTrips()).toBe(d.sim.world.clusters.size);
    expect([...d.hub.roundTrips.keys()]).toEqual(['get-replication']);
    d.hub.resetCounters();
    await d.backend.refresh(true);
    expect(d.hub.totalRoundTrips()).toBe(d.sim.world.clusters.size);
  });

  it('leaves the estate as it was when an answer is truncated', async () => {
    await d.backend.refresh(true);
    const vm = [...d.sim.world.vms.values()].find((v) => v.siteId === 'site-pri' && v.state === 'Running')!;
    d.sim.world.setVm(vm, { state: 'Off' });
    d.hub.inject({ kind: 'truncate', operation: 'get-inventory', cluster: d.sim.world.clusters.get(vm.clusterId)!.name });
    const out = await d.backend.refresh(true);
    // The site with the truncated answer reported nothing (sites refresh in parallel; the others did).
    expect(out.some((p) => p.op === 'merge' && p.kind === 'vm' && p.id === vm.id)).toBe(false);
    const fixed = await d.backend.refresh(true);
    expect(fixed).toContainEqual({ op: 'merge', kind: 'vm', id: vm.id, value: expect.objectContaining({ state: 'Off' }) });
  });

  it('keeps a host answer holding a VM state nobody listed: that VM reads Other, the operator is warned once', async () => {
    await d.backend.refresh(true);
    const vm = [...d.sim.world.vms.values()].find((v) => v.siteId === 'site-pri' && v.state === 'Running')!;
    const events: string[] = [];
    const stop = d.backend.onEvents((batch) => { for (const e of batch) if (e.severity === 'warning') events.push(e.message); });
    // RunningCritical (32785): storage lost under a running VM, a state the model does not carry.
    d.hub.rewrite = (operation, output) => (operation === 'get-inventory' ? output.replace(new RegExp(`("VMId":"${vm.vmId}","ComputerName":"[^"]*","State":)"Running"`), '$1"RunningCritical"') : output);
    try {
      const out = await d.backend.refresh(true);
      expect(out).toContainEqual({ op: 'merge', kind: 'vm', id: vm.id, value: expect.objectContaining({ state: 'Other' }) });
      expect(out.filter((p) => p.op === 'remove')).toEqual([]);
      await d.backend.refresh(true);
      expect(events.filter((m) => m.includes('RunningCritical'))).toHaveLength(1);
    } finally {
      d.hub.rewrite = null;
      stop();
    }
  });

  it('never reads an unreachable node as a missing VM: a shutdown is not "done" because its host is silent', async () => {
    await d.backend.refresh(true);
    const vm = [...d.sim.world.vms.values()].find((v) => v.id.startsWith('p:') && v.state === 'Running')!;
    const host = d.sim.world.hosts.get(vm.hostId)!.name;
    d.hub.dropSession(host);
    const read = d.backend.getVM({ computerName: host, vmName: vm.name });
    await expect(read).rejects.toMatchObject({ code: 'disconnected' });
    const { isDone } = await import('../../recovery/vm-steps.ts');
    const run = { name: vm.name, sourceHost: host, targetHost: host } as Parameters<typeof isDone>[1]['vm'];
    await expect(isDone('shutdown-primary', { backend: d.backend, vm: run, type: 'planned-failover', policy: { kind: 'latest' } })).rejects.toMatchObject({ code: 'disconnected' });
    await d.backend.refresh(true);
  });

  it('finds the owner again when a VM moved since the last read (a drain, a node loss), and addresses it by VMId', async () => {
    await d.backend.refresh(true);
    const vm = [...d.sim.world.vms.values()].find((v) => v.id.startsWith('p:') && v.replication && d.sim.world.clusters.get(v.clusterId)!.hostIds.length > 1)!;
    const cluster = d.sim.world.clusters.get(vm.clusterId)!;
    const other = cluster.hostIds.find((id) => id !== vm.hostId)!;
    d.sim.world.setVm(vm, { hostId: other });
    d.hub.resetCounters();
    const rows = await d.backend.getVMReplication({ vmName: vm.name, computerName: cluster.name });
    expect(rows[0]?.VMName).toBe(vm.name);
    const sent = d.hub.lines.filter((l) => l.startsWith("Invoke-StandbyOperation 'get-vmreplication'")).map((l) => JSON.parse(Buffer.from(l.split("'")[3]!, 'base64').toString('utf8')) as { vmId?: string; route: { computerName: string } });
    expect(sent.map((a) => a.vmId)).toEqual([vm.vmId, vm.vmId]);
    expect(sent.at(-1)!.route.computerName).toBe(d.sim.world.hosts.get(other)!.name);
  });

  it('runs a planned failover in Hyper-V order and reports what the re-reads show', async () => {
    const primary = [...d.sim.world.vms.values()].find((v) => v.id.startsWith('p:') && v.state === 'Running' && v.replication?.state === 'Replicating' && v.tier === 2)!;
    const primaryHost = d.sim.world.hosts.get(primary.hostId)!.name;
    const broker = primary.replication!.replicaServer.split('.')[0]!;
    const target = { vmName: primary.name, computerName: primaryHost };
    const replica = { vmName: primary.name, computerName: broker };
    d.hub.resetCounters();
    expect((await d.backend.stopVM(target)).State).toBe('Off');
    await d.backend.startVMFailover(target, { prepare: true });
    const failedOver = await d.backend.startVMFailover(replica);
    expect(failedOver.ReplicationState).toBe('FailedOverWaitingCompletion');
    // Its replica extends to a third copy: Hyper-V reverses only once that extension is removed.
    await expect(d.backend.reverseVMReplication(replica)).rejects.toThrow(/primary of an extended replication/);
    await d.backend.reverseVMReplication(replica, { removeExtended: true });
    const started = await d.backend.startVM(replica);
    expect(started.State).toBe('Running');
    expect(d.hub.applied.map((a) => a.operation)).toEqual(['stop-vm', 'start-vmfailover', 'start-vmfailover', 'reverse-vmreplication', 'start-vm']);
    expect(d.hub.applied.find((a) => a.operation === 'reverse-vmreplication')?.args).toMatchObject({ removeExtended: true });
    const replicaId = `r:${primary.name}`;
    const merged = patches.filter((p) => p.op === 'merge' && p.kind === 'vm' && p.id === replicaId).reduce((acc, p) => ({ ...acc, ...(p as { value: object }).value }), {} as Record<string, unknown>);
    expect(merged.state).toBe('Running');
  });

  it('reports Hyper-V refusals as invalid-state without changing anything', async () => {
    const vm = [...d.sim.world.vms.values()].find((v) => v.id.startsWith('p:') && v.state === 'Running' && v.replication)!;
    const host = d.sim.world.hosts.get(vm.hostId)!.name;
    d.hub.resetCounters();
    await expect(d.backend.startVMFailover({ vmName: vm.name, computerName: host }, { prepare: true })).rejects.toMatchObject({ code: 'invalid-state' });
    await expect(d.backend.startVM({ vmName: 'no such VM', computerName: host })).rejects.toMatchObject({ code: 'not-found' });
    expect(d.hub.applied).toEqual([]);
  });
  it('changes replication frequency with Set-VMReplication: simple on the primary host, extended on the replica host', async () => {
    const vm = [...d.sim.world.vms.values()].find((v) => v.id.startsWith('p:') && v.replication?.state === 'Replicating' && v.replication.frequencySec !== 900)!;
    const replica = [...d.sim.world.vms.values()].find((v) => v.vmId === vm.vmId && v.replication?.mode === 'Replica')!;
    const onPrimary = { vmName: vm.name, computerName: d.sim.world.hosts.get(vm.hostId)!.name };
    const onReplica = { vmName: replica.name, computerName: d.sim.world.hosts.get(replica.hostId)!.name };
    d.hub.resetCounters();
    const simple = await d.backend.setVMReplication(onPrimary, { replicationFrequencySec: 900 });
    expect(simple).toMatchObject({ RelationshipType: 'Simple', ReplicationFrequencySec: 900, VMName: vm.name });
    const extended = await d.backend.setVMReplication(onReplica, { replicationFrequencySec: 900 });
    expect(extended).toMatchObject({ RelationshipType: 'Extended', ReplicationFrequencySec: 900 });
    expect(d.hub.applied.map((a) => [a.operation, a.computerName, a.args.replicationFrequencySec])).toEqual([
      ['set-vmreplication', onPrimary.computerName, 900], ['set-vmreplication', onReplica.computerName, 900],
    ]);
    // The re-read after the change carries the new frequency into the estate.
    const fresh = (await d.backend.getVMReplication(onPrimary)).find((r) => r.RelationshipType === 'Simple')!;
    expect(fresh.ReplicationFrequencySec).toBe(900);
  });

  it('passes on Hyper-V refusing 30 s for extended replication as invalid-state, changing nothing', async () => {
    const replica = [...d.sim.world.vms.values()].find((v) => v.replication?.mode === 'Replica' && v.extendedReplication)!;
    const before = replica.extendedReplication!.frequencySec;
    d.hub.resetCounters();
    await expect(d.backend.setVMReplication({ vmName: replica.name, computerName: d.sim.world.hosts.get(replica.hostId)!.name }, { replicationFrequencySec: 30 }))
      .rejects.toMatchObject({ code: 'invalid-state', message: expect.stringMatching(/extended replication supports only 300, 900 seconds/) });
    expect(replica.extendedReplication!.frequencySec).toBe(before);
    expect(d.hub.applied).toEqual([]);
  });
});

describe('a host that refuses the scripts', () => {
  it('shows a refused script (JEA NoLanguage: ScriptsNotAllowed) as an error that says so, never as an empty site', async () => {
    const r = await startDoubleBackend({ seed: 5, vmCount: 12 });
    try {
      r.hub.refuseScripts = { id: 'ScriptsNotAllowed', category: 'ParserError', message: 'The syntax is not supported by this runspace. This can occur if the runspace is in no-language mode.' };
      const inventory = await r.backend.load();
      expect(inventory.sites).toEqual([]);
      expect(inventory.vms).toEqual([]);
      for (const reach of r.backend.siteReach()) expect(reach.problem).toMatch(/refused Standby's script \(ScriptsNotAllowed\).*NoLanguage/);
      r.hub.refuseScripts = null;
      await r.backend.refresh(true);
      expect(r.backend.siteReach().every((s) => s.problem === null)).toBe(true);
    } finally {
      await r.dispose();
    }
  }, 60_000);
});
