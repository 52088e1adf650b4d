import type { CleanupProof } from '../../../../shared/model/evidence-pack.ts';
import type { RunSnapshot } from '../../../../shared/model/recovery-run.ts';
import type { HyperVBackend } from '../../backends/backend-port.ts';

/**
 * Proof that a drill left nothing behind, read back from the hosts rather than taken from the run's
 * own record: every DR host a test copy was made on is asked for its VMs (Get-VM), and any
 * "<name> - Test" VM in TestReplica mode from this drill is a leftover, listed with its network
 * adapters (attached to the isolated test switch) and its checkpoints. Hyper-V names the copy
 * "<name> - Test" and marks it ReplicationMode TestReplica (Start-VMFailover -AsTest,
 * learn.microsoft.com/powershell/module/hyper-v/start-vmfailover); Stop-VMFailover removes it.
 */
export async function scanCleanup(run: RunSnapshot, backend: HyperVBackend): Promise<CleanupProof> {
  if (run.type !== 'test-failover') {
    return { status: 'not-applicable', scannedAt: null, scanned: [], leftovers: [], unreadable: [], text: 'Not a drill: there are no test copies to clean up.' };
  }
  const testNames = new Map(run.vms.map((vm) => [`${vm.name} - Test`.toLowerCase(), vm]));
  const hosts = [...new Set(run.vms.filter((vm) => vm.timing.failoverDoneAt !== null || vm.steps.some((s) => s.kind === 'test-failover' && s.status !== 'pending')).map((vm) => vm.targetHost))].sort();
  const proof: CleanupProof = { status: 'proven', scannedAt: backend.clock.now(), scanned: [], leftovers: [], unreadable: [], text: '' };
  for (const host of hosts) {
    let vms;
    try {
      vms = await backend.getVM({ computerName: host });
    } catch (error) {
      proof.unreadable.push({ host, error: error instanceof Error ? error.message : String(error) });
      continue;
    }
    proof.scanned.push({ host, call: `Get-VM -ComputerName ${host}`, vmsSeen: vms.length });
    for (const vm of vms) {
      if (vm.ReplicationMode !== 'TestReplica' || !testNames.has(vm.Name.toLowerCase())) continue;
      proof.leftovers.push({ kind: 'test-vm', host, name: vm.Name, detail: `still ${vm.State}` });
      const target = { computerName: host, vmName: vm.Name };
      for (const adapter of await backend.getVMNetworkAdapter(target).catch(() => [])) {
        proof.leftovers.push({ kind: 'test-switch-attachment', host, name: `${vm.Name} / ${adapter.Name}`, detail: adapter.TestReplicaSwitchName ? `on ${adapter.TestReplicaSwitchName}` : 'attached' });
      }
      for (const checkpoint of await backend.getVMSnapshot(target).catch(() => [])) {
        proof.leftovers.push({ kind: 'checkpoint', host, name: checkpoint.Name, detail: `${checkpoint.SnapshotType} of ${vm.Name}` });
      }
    }
  }
  const cleaned = run.finishes.some((f) => f.action === 'cleanup' && f.status === 'done');
  const problems = [
    ...(cleaned ? [] : ['the cleanup has not been done']),
    ...(proof.leftovers.length > 0 ? [`${proof.leftovers.filter((l) => l.kind === 'test-vm').length} test VMs and ${proof.leftovers.length - proof.leftovers.filter((l) => l.kind === 'test-vm').length} attachments or checkpoints are still there`] : []),
    ...(proof.unreadable.length > 0 ? [`${proof.unreadable.length} hosts could not be read (${proof.unreadable.map((u) => u.host).join(', ')})`] : []),
  ];
  proof.status = problems.length === 0 ? 'proven' : 'not-proven';
  proof.text = problems.length === 0
    ? `Read back ${hosts.length} DR hosts after the cleanup: none holds a test VM of this drill, an adapter on a test switch or a checkpoint of one.`
    : `Cleanup not proven: ${problems.join('; ')}.`;
  return proof;
}
