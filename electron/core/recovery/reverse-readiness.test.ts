import { describe, expect, it } from 'vitest';
import type { EstateSnapshot } from '../../../shared/model/estate.ts';
import type { VmRun } from '../../../shared/model/recovery-run.ts';
import { reverseReadiness } from './reverse-readiness.ts';

const estate = (hostState: 'Up' | 'Down', primaryState: 'Off' | 'Running') => ({
  sites: { a: { id: 'a', name: 'DC-A', role: 'primary' } },
  hosts: { h1: { id: 'h1', siteId: 'a', name: 'HV-A01', state: hostState }, h2: { id: 'h2', siteId: 'a', name: 'HV-A02', state: 'Up' } },
  vms: { p1: { id: 'p1', vmId: 'v1', hostId: 'h1', state: primaryState, name: 'EHRDB01' } },
}) as unknown as EstateSnapshot;
const vms = [{ name: 'EHRDB01', vmId: 'v1', sourceHost: 'HV-A01', targetHost: 'DRHV-B01' }] as VmRun[];

describe('reverse readiness', () => {
  it('is ready when the site answers, the hosts are up and the former primaries are off', () => {
    expect(reverseReadiness(vms, estate('Up', 'Off'), [{ siteId: 'a', state: 'connected', problem: null }])).toEqual([]);
  });

  it('names the lost site and the down hosts, once for all VMs', () => {
    const problems = reverseReadiness(vms, estate('Down', 'Off'), [{ siteId: 'a', state: 'lost', problem: 'no node answers.' }]);
    expect(problems).toEqual([
      'DC-A is lost (no node answers); replication can go back there only once it answers.',
      '1 of the 1 hosts at DC-A the VMs return to is down: HV-A01.',
    ]);
  });

  it('refuses while a former primary runs again: two live copies would both take writes', () => {
    const [problem] = reverseReadiness(vms, estate('Up', 'Running'), [{ siteId: 'a', state: 'connected', problem: null }]);
    expect(problem).toMatch(/1 former primary is running again at the primary site: EHRDB01 \(Running\)\. Shut it down first/);
  });
});
