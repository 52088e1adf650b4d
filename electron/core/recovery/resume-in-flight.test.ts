import { describe, expect, it } from 'vitest';
import { createLabRig } from '../testing/lab-rig.ts';
import { settled, severable, testPlan } from '../testing/recovery-rig.ts';
import { readVm } from './vm-steps.ts';

describe('resuming a run whose last call the host is still carrying out', () => {
  it('waits for a VM found Starting instead of sending Start-VM again (which the host would refuse)', async () => {
    let cut = () => {};
    const rig = await createLabRig({ backend: (backend) => { const s = severable(backend); cut = s.cut; return s.backend; } });
    const plan = testPlan();
    const first = rig.service;
    const warnings = (await first.preflight(plan, 'test-failover', { kind: 'latest' })).warnings.map((w) => w.id);
    const run = await first.start({ plan, type: 'test-failover', policy: { kind: 'latest' }, acceptedWarnings: warnings, actor: 'tester' });
    // Die the moment a Start-VM has reached the host and the test VM is still powering on.
    let starting: string | null = null;
    await rig.drive(() => {
      for (const vm of first.get(run.id).vms) {
        if (rig.calls.get(`startVM ${vm.name} - Test`) === 1 && rig.sim.world.vms.get(`test:r:${vm.name}`)?.state === 'Starting') { starting = vm.name; return true; }
      }
      return false;
    });
    expect(starting).not.toBeNull();
    cut();

    const second = rig.restart();
    await rig.drive(settled(second, run.id));
    const done = second.get(run.id);
    expect(done.vms.filter((v) => v.status !== 'done').map((v) => `${v.name}: ${v.status}`)).toEqual([]);
    expect(done.status).toBe('completed');
    const vm = done.vms.find((v) => v.name === starting)!;
    expect(vm.steps.find((s) => s.kind === 'start')!.note).toMatch(/in progress on the backend/);
    expect(rig.calls.get(`startVM ${starting} - Test`)).toBe(1);
    expect((await readVm(rig.lab, { vmName: `${starting} - Test`, computerName: vm.targetHost }))?.State).toBe('Running');
  });
});
