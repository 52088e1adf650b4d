import { describe, expect, it } from 'vitest';
import { heartbeatIsUp, PlanDraftSchema, PlanStepSchema } from '../../../shared/model/recovery-plan.ts';
import type { VmRun } from '../../../shared/model/recovery-run.ts';
import type { HyperVBackend, VMInfo } from '../backends/backend-port.ts';
import { isDone } from './vm-steps.ts';

/**
 * Issue 11 item 4: the heartbeat a step waits for is a per-VM / per-plan setting. Linux guests (and
 * Windows guests without application health) report OkApplicationsUnknown as their healthy state
 * (DOMAIN.md, "What real hosts do"; microsoft/lis-test), so that counts as up unless the plan asks for
 * OkApplicationsHealthy.
 */

const vm = { name: 'PACS-LNX-01', targetHost: 'DRHV-101', sourceHost: 'HV-A01' } as VmRun;
const reporting = (Heartbeat: VMInfo['Heartbeat']) => ({ getVM: async () => [{ Name: vm.name, State: 'Running', Heartbeat } as VMInfo] }) as unknown as HyperVBackend;

describe('the heartbeat a recovery waits for', () => {
  it('counts OkApplicationsUnknown as up by default, and not when the VM must report applications healthy', () => {
    expect(heartbeatIsUp('OkApplicationsUnknown')).toBe(true);
    expect(heartbeatIsUp('OkApplicationsHealthy')).toBe(true);
    expect(heartbeatIsUp('OkApplicationsUnknown', 'applications-healthy')).toBe(false);
    expect(heartbeatIsUp('OkApplicationsHealthy', 'applications-healthy')).toBe(true);
    for (const down of ['OkApplicationsCritical', 'NoContact', 'LostCommunication', 'Unknown', 'Error', 'Paused', 'Disabled'] as const) expect(heartbeatIsUp(down)).toBe(false);
  });

  it('is a plan setting with a per-VM override, and a wait-heartbeat step may name its own', () => {
    const plan = PlanDraftSchema.parse({ name: 'p', groups: [{ name: 'g', members: [{ vm: vm.name }] }] });
    expect(plan.settings.heartbeat).toBe('ok');
    expect(plan.settings.heartbeatByVm).toEqual({});
    const strict = PlanDraftSchema.parse({ name: 'p', groups: [{ name: 'g', members: [{ vm: vm.name }] }], settings: { heartbeatByVm: { 'SQL01': 'applications-healthy' } } });
    expect(strict.settings.heartbeatByVm).toEqual({ SQL01: 'applications-healthy' });
    expect(PlanStepSchema.parse({ kind: 'wait-heartbeat', vm: 'SQL01', heartbeat: 'applications-healthy' })).toMatchObject({ heartbeat: 'applications-healthy' });
  });

  it("a Linux guest's OkApplicationsUnknown completes the heartbeat step by default; a stricter VM waits", async () => {
    const base = { backend: reporting('OkApplicationsUnknown'), vm, type: 'unplanned-failover' as const, policy: { kind: 'latest' as const } };
    expect(await isDone('heartbeat', base)).toBe(true);
    expect(await isDone('heartbeat', { ...base, heartbeat: 'applications-healthy' })).toBe(false);
  });
});
