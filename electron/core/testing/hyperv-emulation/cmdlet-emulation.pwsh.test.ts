import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Vm } from '../../../../shared/model/estate.ts';
import { generateLabEstate } from '../../backends/lab/estate-generator.ts';
import { LabSimulation } from '../../backends/lab/simulation.ts';
import { createNodePowerShell, type PsShell } from '../../backends/powershell/ps-shell.ts';
import { labDoubleEstate } from '../powershell-double/lab-double-estate.ts';
import { PWSH, PWSH_MISSING } from '../powershell-double/real-pwsh.ts';
import { EMULATION_MODULES, emulationTypesAssembly } from './emulation-types.ts';
import { WorldBridge } from './world-bridge.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

/**
 * The emulated cmdlets themselves, in one local pwsh (no SSH; each check tells which host it is with
 * COMPUTERNAME, as the SSH subsystem wrapper does): the behaviours DOMAIN.md lists under "What real
 * hosts do that a double easily forgets", each from Microsoft's documentation. Every check prints
 * `@@` + one JSON line.
 */
describe.skipIf(!PWSH)(`Hyper-V / FailoverClusters cmdlet emulation${PWSH ? '' : ` (${PWSH_MISSING})`}`, () => {
  const start = Date.UTC(2026, 10, 25, 3);
  const sim = new LabSimulation({ seed: 11, vmCount: 30, startTime: start, estate: generateLabEstate({ seed: 11, vmCount: 30, startTime: start, hostsPerCluster: 1 }) });
  const bridge = new WorldBridge(labDoubleEstate(sim));
  let dir = '';
  let shell: PsShell;
  const vms = () => [...sim.world.vms.values()];
  const hostOf = (vm: Vm) => sim.world.hosts.get(vm.hostId)!.name;
  const extended = vms().find((v) => v.replication?.mode === 'Replica' && v.extendedReplication?.mode === 'Primary')!;
  const replica = vms().find((v) => v.replication?.mode === 'Replica' && v.state === 'Off' && v.id !== extended.id)!;
  const primary = vms().find((v) => v.replication?.mode === 'Primary' && v.state === 'Running' && hostOf(v) !== hostOf(replica))!;

  beforeAll(async () => {
    await bridge.listen();
    const types = await emulationTypesAssembly(PWSH!);
    dir = mkdtempSync(join(tmpdir(), 'standby-emulation-'));
    shell = createNodePowerShell({ executable: PWSH!, env: { ...process.env, ...bridge.env(), PSModulePath: EMULATION_MODULES, STANDBY_EMULATION_TYPES: types } });
  });
  afterAll(async () => { await shell?.dispose(); await bridge.close(); rmSync(dir, { recursive: true, force: true }); });

  async function onHost(computerName: string, script: string): Promise<unknown[]> {
    const file = join(dir, `check-${Math.random().toString(36).slice(2)}.ps1`);
    writeFileSync(file, `$ErrorActionPreference = 'Stop'\n$env:COMPUTERNAME = '${computerName}'\nfunction Out-Check($Value) { '@@' + (ConvertTo-Json -InputObject $Value -Depth 5 -Compress) }\n${script}\n`);
    // stderr is not checked: a caught non-terminating error is still displayed there; a check that
    // fails prints no `@@` line, and its expectation fails.
    // Dot-sourced, as `pwsh -File` runs a script: in the global scope, whose $ErrorActionPreference the
    // emulated cmdlets (script modules) see; a child scope's would not reach them.
    const { stdout } = await shell.invoke(`. '${file}'`, 120_000);
    return stdout.split('\n').filter((l) => l.startsWith('@@')).map((l) => JSON.parse(l.slice(2)) as unknown);
  }

  it('returns typed objects: Microsoft enums with Microsoft integers, Guid, DateTime, TimeSpan, UInt64, string[], nulls', async () => {
    const [vm, rep, measure, hostRow] = await onHost(hostOf(replica), `
      $vm = Get-VM -Name '${replica.name}'
      Out-Check @{ type = $vm.GetType().FullName; state = $vm.State.GetType().FullName; stateInt = [int]$vm.State; heartbeatIsNull = ($null -eq $vm.Heartbeat); vmId = $vm.VMId.GetType().Name; uptime = $vm.Uptime.GetType().Name; memory = $vm.MemoryStartup.GetType().Name }
      $r = Get-VMReplication -VMName '${replica.name}'
      Out-Check @{ mode = [int]$r.ReplicationMode; modeName = [string]$r.ReplicationMode; state = [int]$r.ReplicationState; last = $r.LastReplicationTime.GetType().Name; kind = [string]$r.LastReplicationTime.Kind }
      $m = Measure-VMReplication -VMName '${replica.name}'
      Out-Check @{ pending = $m.PendingReplicationSize.GetType().Name; latency = $m.AverageReplicationLatency.GetType().Name; details = $m.ReplicationHealthDetails.GetType().Name; last = [int]$m.LastReplicationType }
      $h = Get-VMHost
      Out-Check @{ perf = $h.VirtualMachineMigrationPerformanceOption.GetType().FullName; migrations = $h.MaximumVirtualMachineMigrations }
    `);
    expect(vm).toEqual({ type: 'Microsoft.HyperV.PowerShell.VirtualMachine', state: 'Microsoft.HyperV.PowerShell.VMState', stateInt: 3, heartbeatIsNull: true, vmId: 'Guid', uptime: 'TimeSpan', memory: 'Int64' });
    expect(rep).toEqual({ mode: 2, modeName: 'Replica', state: 4, last: 'DateTime', kind: 'Local' });
    expect(measure).toEqual({ pending: 'UInt64', latency: 'TimeSpan', details: 'String[]', last: 1 });
    expect(hostRow).toEqual({ perf: 'Microsoft.HyperV.PowerShell.VMMigrationPerformance', migrations: 2 });
  });

  it('knows all 29 VM states, the *Critical ones included, and the Linux guest heartbeat OkApplicationsUnknown', async () => {
    const [linux, critical] = vms().filter((v) => v.hostId === primary.hostId && v.id !== primary.id);
    (linux as { heartbeat: string }).heartbeat = 'OkApplicationsUnknown';
    (critical as { state: string }).state = 'RunningCritical';
    const [count, states] = await onHost(hostOf(primary), `
      Import-Module Hyper-V
      Out-Check ([enum]::GetValues([Microsoft.HyperV.PowerShell.VMState]).Count)
      Out-Check @(Get-VM | ForEach-Object { @{ name = $_.Name; state = [int]$_.State; heartbeat = if ($null -eq $_.Heartbeat) { $null } else { [int]$_.Heartbeat } } })
    `);
    expect(count).toBe(29);
    const byName = new Map((states as { name: string; state: number; heartbeat: number | null }[]).map((s) => [s.name, s]));
    expect(byName.get(linux!.name)!.heartbeat).toBe(5);
    expect(byName.get(critical!.name)!.state).toBe(32785);
  });

  it('matches -Name as a case-insensitive wildcard pattern: "[PROD] SQL01" finds "P SQL01", not itself; "*" finds many', async () => {
    const [a, b] = vms().filter((v) => v.hostId === replica.hostId && v.id !== replica.id);
    (a as { name: string }).name = '[PROD] SQL01';
    (b as { name: string }).name = 'P SQL01';
    const [bracket, star, lower, missing] = await onHost(hostOf(replica), `
      Out-Check @(Get-VM -Name '[PROD] SQL01' | ForEach-Object Name)
      Out-Check @(Get-VM -Name '*').Count
      Out-Check @(Get-VM -Name '${replica.name.toLowerCase()}' | ForEach-Object Name)
      try { Get-VM -Name 'NO-SUCH-VM' } catch { Out-Check @{ id = $_.FullyQualifiedErrorId; category = [string]$_.CategoryInfo.Category; message = $_.Exception.Message } }
    `);
    expect(bracket).toEqual(['P SQL01']);
    expect(star).toBe(vms().filter((v) => v.hostId === replica.hostId).length);
    expect(lower).toEqual([replica.name]);
    expect(missing).toMatchObject({ id: expect.stringMatching(/^InvalidParameter,Microsoft\.HyperV\.PowerShell\.Commands\.GetVM/), category: 'InvalidArgument', message: 'Hyper-V was unable to find a virtual machine with name "NO-SUCH-VM".' });
  });

  it('throws ObjectNotFound from Get-VMSnapshot -SnapshotType when the VM has no point of that type', async () => {
    const [replicaPoints, appConsistent] = await onHost(hostOf(extended), `
      Out-Check @(Get-VMSnapshot -VMName '${extended.name}' -SnapshotType Replica | ForEach-Object { @{ type = [int]$_.SnapshotType; name = $_.Name } }).Count
      try { Get-VMSnapshot -VMName '${extended.name}' -SnapshotType AppConsistentReplica | Out-Null; Out-Check 'no error' } catch { Out-Check @{ id = $_.FullyQualifiedErrorId; category = [string]$_.CategoryInfo.Category; message = $_.Exception.Message } }
    `);
    expect(replicaPoints).toBeGreaterThan(0);
    const points = labDoubleEstate(sim).recoveryPoints(sim.world.hosts.get(extended.hostId)!, extended.name);
    if (points.some((p) => p.SnapshotType === 'AppConsistentReplica')) return;
    expect(appConsistent).toMatchObject({ id: expect.stringMatching(/^ObjectNotFound,/), category: 'ObjectNotFound', message: 'Unable to find a snapshot matching the given criteria.' });
  });

  it('writes the test VM from Start-VMFailover -AsTest without -Passthru; Stop-VMFailover removes it; prompts without -Confirm:$false', async () => {
    const [prompted, output, after] = await onHost(hostOf(replica), `
      try { Start-VMFailover -VMName '${replica.name}' -AsTest; Out-Check 'no prompt' } catch { Out-Check $_.FullyQualifiedErrorId }
      Out-Check @(Start-VMFailover -VMName '${replica.name}' -AsTest -Confirm:$false | ForEach-Object { @{ type = $_.GetType().Name; name = $_.Name; mode = [string]$_.ReplicationMode } })
      Stop-VMFailover -VMName '${replica.name}' -Confirm:$false
      Out-Check @(Get-VM -Name '${replica.name} - Test' -ErrorAction SilentlyContinue).Count
    `);
    // -NonInteractive: ShouldProcess with ConfirmImpact High cannot prompt, and says so.
    expect(String(prompted)).not.toBe('no prompt');
    expect(output).toEqual([{ type: 'VirtualMachine', name: `${replica.name} - Test`, mode: 'TestReplica' }]);
    expect(after).toBe(0);
  });

  it('Stop-VMFailover turns a failed-over Replica off and reverts it, keeping its points for another Start-VMFailover; refused after Complete-VMFailover', async () => {
    // From the end of the list: the checks after this one take the first replicas.
    const taken = new Set([replica.vmId, extended.vmId, primary.vmId]);
    const other = vms().findLast((v) => v.replication?.mode === 'Replica' && v.replication.state === 'Replicating' && v.state === 'Off' && !taken.has(v.vmId))!;
    // The primary site is lost: its copy is off, so the Replica may start.
    sim.power.powerOff(vms().find((v) => v.vmId === other.vmId && v.replication?.mode === 'Primary')!);
    const [running, busy, reverted, again, committed] = await onHost(hostOf(other), `
      $null = Start-VMFailover -VMName '${other.name}' -Confirm:$false
      Start-VM -Name '${other.name}'
      $points = @(Get-VMSnapshot -VMName '${other.name}' -SnapshotType Replica)
      Out-Check @{ state = [string](Get-VM -Name '${other.name}').State; replication = [string](Get-VMReplication -VMName '${other.name}').ReplicationState; points = $points.Count }
      try { Start-VMFailover -VMRecoverySnapshot $points[0] -Confirm:$false; Out-Check 'accepted' } catch { Out-Check @{ id = $_.FullyQualifiedErrorId; category = [string]$_.CategoryInfo.Category } }
      Stop-VMFailover -VMName '${other.name}' -Confirm:$false
      Out-Check @{ state = [string](Get-VM -Name '${other.name}').State; replication = [string](Get-VMReplication -VMName '${other.name}').ReplicationState; points = @(Get-VMSnapshot -VMName '${other.name}' -SnapshotType Replica).Count }
      $null = Start-VMFailover -VMRecoverySnapshot $points[0] -Confirm:$false
      Out-Check ([string](Get-VMReplication -VMName '${other.name}').ReplicationState)
      Complete-VMFailover -VMName '${other.name}' -Confirm:$false
      try { Stop-VMFailover -VMName '${other.name}' -Confirm:$false; Out-Check 'stopped' } catch { Out-Check @{ id = $_.FullyQualifiedErrorId; category = [string]$_.CategoryInfo.Category; message = $_.Exception.Message } }
    `);
    expect(running).toMatchObject({ state: 'Running', replication: 'FailedOverWaitingCompletion' });
    const points = (running as { points: number }).points;
    expect(points).toBeGreaterThan(0);
    expect(busy).toMatchObject({ id: expect.stringMatching(/^InvalidOperation,Microsoft\.HyperV\.PowerShell\.Commands\.StartVMFailover/), category: 'InvalidOperation' });
    expect(reverted).toEqual({ state: 'Off', replication: 'Replicating', points });
    expect(again).toBe('FailedOverWaitingCompletion');
    expect(committed).toMatchObject({ id: expect.stringMatching(/^InvalidOperation,Microsoft\.HyperV\.PowerShell\.Commands\.StopVMFailover/), category: 'InvalidOperation', message: expect.stringMatching(/completed \(Complete-VMFailover\)/) });
  });

  it('Stop-VMFailover on the primary after Start-VMFailover -Prepare cancels the planned failover; the primary starts again', async () => {
    const taken = new Set([replica.vmId, extended.vmId, primary.vmId]);
    const chosen = vms().filter((v) => v.replication?.mode === 'Primary' && v.state === 'Running' && !taken.has(v.vmId)
      && vms().some((r) => r.vmId === v.vmId && r.replication?.mode === 'Replica' && r.replication.state === 'Replicating')).at(-2)!;
    const [prepared, cancelled] = await onHost(hostOf(chosen), `
      Stop-VM -Name '${chosen.name}' -Confirm:$false
      $null = Start-VMFailover -VMName '${chosen.name}' -Prepare -Confirm:$false
      Out-Check ([string](Get-VMReplication -VMName '${chosen.name}').ReplicationState)
      Stop-VMFailover -VMName '${chosen.name}' -Confirm:$false
      Start-VM -Name '${chosen.name}'
      Out-Check @{ replication = [string](Get-VMReplication -VMName '${chosen.name}').ReplicationState; state = [string](Get-VM -Name '${chosen.name}').State }
    `);
    expect(prepared).toBe('PreparedForFailover');
    expect(cancelled).toEqual({ replication: 'Replicating', state: 'Running' });
  });

  it('refuses Set-VMReplication -Reverse on the primary of an extended replication (A->B->C)', async () => {
    const [refused] = await onHost(hostOf(extended), `
      try { Set-VMReplication -VMName '${extended.name}' -Reverse -Confirm:$false; Out-Check 'reversed' } catch { Out-Check @{ id = $_.FullyQualifiedErrorId; category = [string]$_.CategoryInfo.Category } }
    `);
    expect(refused).toMatchObject({ id: expect.stringMatching(/^InvalidOperation,Microsoft\.HyperV\.PowerShell\.Commands\.SetVMReplication/), category: 'InvalidOperation' });
  });

  it('after failing A over to B: -Reverse refused while B->C runs, accepted once Remove-VMReplication -ReplicationRelationshipType Extended ended it', async () => {
    const onB = vms().find((v) => v.replication?.mode === 'Replica' && v.extendedReplication?.mode === 'Primary' && v.id !== extended.id)!;
    const onA = vms().find((v) => v.vmId === onB.vmId && v.replication?.mode === 'Primary')!;
    await onHost(hostOf(onA), `
      Stop-VM -Name '${onA.name}' -TurnOff -Confirm:$false
      Start-VMFailover -VMName '${onA.name}' -Prepare -Confirm:$false
    `);
    const [refused, extendedBefore, reversed] = await onHost(hostOf(onB), `
      Start-VMFailover -VMName '${onB.name}' -Confirm:$false
      try { Set-VMReplication -VMName '${onB.name}' -Reverse -Confirm:$false; Out-Check 'reversed' } catch { Out-Check @{ id = $_.FullyQualifiedErrorId; message = $_.Exception.Message } }
      $vm = Get-VM -Name '${onB.name}'
      Out-Check @(Get-VMReplication -VM $vm -ReplicationRelationshipType Extended | ForEach-Object { [string]$_.ReplicationMode })
      Remove-VMReplication -VM $vm -ReplicationRelationshipType Extended -Confirm:$false
      Set-VMReplication -VM $vm -Reverse -Confirm:$false
      Out-Check @{ mode = [string](Get-VM -Id $vm.VMId).ReplicationMode; extended = @(Get-VMReplication -VM $vm -ReplicationRelationshipType Extended).Count }
    `);
    expect(refused).toMatchObject({ id: expect.stringMatching(/^InvalidOperation,/), message: expect.stringContaining('Resume-VMReplication -Continue') });
    expect(extendedBefore).toEqual(['Primary']);
    expect(reversed).toEqual({ mode: 'Primary', extended: 0 });
  });

  it('gives FailoverClusters objects: node and group states as enums, group types 111 / 115, owners by name', async () => {
    const [nodes, groups] = await onHost(hostOf(replica), `
      Out-Check @(Get-ClusterNode | ForEach-Object { @{ name = $_.Name; state = [int]$_.State; type = $_.State.GetType().FullName; cluster = [string]$_.Cluster } })
      Out-Check @(Get-ClusterGroup | ForEach-Object { @{ name = $_.Name; type = [int]$_.GroupType; owner = [string]$_.OwnerNode; priority = $_.Priority } })
    `);
    expect(nodes).toEqual([{ name: hostOf(replica), state: 0, type: 'Microsoft.FailoverClusters.PowerShell.ClusterNodeState', cluster: sim.world.clusters.get(replica.clusterId)!.name }]);
    const types = new Set((groups as { type: number }[]).map((g) => g.type));
    expect([...types].sort()).toEqual([111, 115]);
    expect((groups as { owner: string }[]).every((g) => g.owner === hostOf(replica))).toBe(true);
  });
});
