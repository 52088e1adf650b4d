import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vm } from '../../../../shared/model/estate.ts';
import type { SourcePatch } from '../estate-source.ts';
import { startDoubleBackend, type DoubleBackend } from '../../testing/powershell-double/double-backend.ts';

/** Issue 12: reads and shutdowns of many VMs on one host leave as one line, each VM answered alone. */
let d: DoubleBackend;
const patches: SourcePatch[] = [];

beforeAll(async () => {
  d = await startDoubleBackend({ seed: 11, vmCount: 120 });
  await d.backend.load();
  d.backend.start((p) => patches.push(...p));
}, 60_000);
afterAll(() => d?.dispose());

/** The host holding the most VMs matching `filter`, with those VMs. */
function busiestHost(filter: (vm: Vm) => boolean): { host: string; vms: Vm[] } {
  const byHost = new Map<string, Vm[]>();
  for (const vm of d.sim.world.vms.values()) if (filter(vm)) byHost.set(vm.hostId, [...(byHost.get(vm.hostId) ?? []), vm]);
  const [hostId, vms] = [...byHost].sort((a, b) => b[1].length - a[1].length)[0]!;
  return { host: d.sim.world.hosts.get(hostId)!.name, vms };
}

describe('batched calls through the double', () => {
  it('answers every VM read on one host made in the same turn with one get-vms line, a missing VM failing alone', async () => {
    const { host, vms } = busiestHost((v) => v.id.startsWith('r:'));
    expect(vms.length).toBeGreaterThanOrEqual(3);
    d.hub.resetCounters();
    const reads = vms.map((vm) => d.backend.getVM({ computerName: host, vmName: vm.name }));
    const missing = d.backend.getVM({ computerName: host, vmName: 'not here' });
    const answers = await Promise.all(reads);
    expect(answers.map((a) => a[0]!.Name)).toEqual(vms.map((v) => v.name));
    await expect(missing).rejects.toMatchObject({ code: 'not-found' });
    expect([...d.hub.roundTrips]).toEqual([['get-vms', 1]]);
  });

  it('shuts down a host\'s VMs in one stop-vms line, each VM applied and answered on its own, with no inventory re-read', async () => {
    const { host, vms } = busiestHost((v) => v.id.startsWith('p:') && v.state === 'Running');
    const three = vms.slice(0, 3);
    expect(three).toHaveLength(3);
    d.hub.resetCounters();
    patches.length = 0;
    const stops = three.map((vm) => d.backend.stopVM({ vmName: vm.name, computerName: host }));
    const missing = d.backend.stopVM({ vmName: 'not here', computerName: host });
    const rows = await Promise.all(stops);
    expect(rows.map((r) => [r.Name, r.State])).toEqual(three.map((vm) => [vm.name, 'Off']));
    await expect(missing).rejects.toMatchObject({ code: 'not-found' });
    expect(d.hub.roundTrips.get('stop-vms')).toBe(1);
    expect(d.hub.roundTrips.get('stop-vm')).toBeUndefined();
    // The estate learnt each VM's state from the answer itself, not from a cluster's inventory.
    expect(d.hub.roundTrips.get('get-inventory')).toBeUndefined();
    // In the order the host finished them: at once, the shortest shutdown first.
    expect(d.hub.applied.map((a) => [a.operation, a.args.vmName]).sort()).toEqual(three.map((vm) => ['stop-vm', vm.name]).sort());
    for (const vm of three) {
      expect(patches.some((p) => p.op === 'merge' && p.kind === 'vm' && p.id === vm.id && (p.value as Partial<Vm>).state === 'Off'), vm.name).toBe(true);
    }
  });
});
