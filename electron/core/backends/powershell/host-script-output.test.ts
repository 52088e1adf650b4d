import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrapLine, encodeArgument } from './argument-encoding.ts';
import { parseData } from './ps-output.ts';
import { InventoryAnswerSchema, ReplicationAnswerSchema, SnapshotRowSchema, VmItemSchema } from './ps-rows.ts';
import { psList } from './ps-values.ts';
import { DEFAULT_SCRIPT_DIRECTORY, REMOTE_OPERATIONS, scriptPath } from './script-catalog.ts';
import { markedJson, PWSH, PWSH_MISSING, PWSH_TIMEOUT_MS, runPwsh } from '../../testing/powershell-double/real-pwsh.ts';

/**
 * Issue 11 item 4, the script side: the real host scripts, composed by the real session.ps1, run in
 * pwsh 7.6 against stub cmdlets whose objects carry real types: PowerShell enums with Microsoft's
 * integer values (DOMAIN.md's table, from the Hyper-V module's type definitions), DateTime of Kind
 * Unspecified, string collections, nulls where hosts give nulls. PowerShell 7's ConvertTo-Json
 * writes such enums as integers, as 5.1 does: only a script that emits names is read the same on both.
 * The host is put one hour east of UTC (TZ) so a date without its offset shows.
 */

const MARK = '@@';
const STUBS = String.raw`
$env:COMPUTERNAME = 'HV01'
enum VMState { Other = 1; Running = 2; Off = 3; RunningCritical = 32785 }
enum VMHeartbeatStatus { Unknown = 0; OkApplicationsUnknown = 5; OkApplicationsHealthy = 6 }
enum VMOperationalStatus { Ok = 2; Degraded = 3; MigratingVirtualMachine = 32774 }
enum VMReplicationMode { None = 0; Primary = 1; Replica = 2; TestReplica = 3; ExtendedReplica = 4 }
enum VMReplicationState { Disabled = 0; Replicating = 4; PreparedForFailover = 5 }
enum VMReplicationHealthState { NotApplicable = 0; Normal = 1; Warning = 2; Critical = 3 }
enum VMReplicationRelationshipType { Simple = 0; Extended = 1 }
enum VMReplicationType { None = 0; Regular = 1; ApplicationConsistent = 2; Planned = 3 }
enum VMMigrationPerformance { TCPIP = 0; Compression = 1; SMB = 2 }
enum ClusterNodeState { Unknown = -1; Up = 0; Down = 1; Paused = 2; Joining = 3 }
enum ClusterNodeDrainStatus { NotInitiated = 0; InProgress = 1; Completed = 2; Failed = 3 }
enum ClusterGroupState { Unknown = -1; Online = 0; Offline = 1; Failed = 2; PartialOnline = 3; Pending = 4 }
enum GroupType { Cluster = 1; VirtualMachine = 111; VMReplicaBroker = 115 }
enum SnapshotType { Standard = 0; Recovery = 1; Planned = 2; Missing = 5; Replica = 6; AppConsistentReplica = 7; SyncedReplica = 8 }
$global:vmId = [guid]'6f9d3c2a-8b1e-4c55-9a0b-1d2e3f405162'
# A replication time as Hyper-V hands it over: local wall-clock time, Kind Unspecified.
$global:local = [datetime]::new(2026, 12, 3, 10, 0, 0, [DateTimeKind]::Unspecified)
function global:Get-VMHost { [pscustomobject]@{ LogicalProcessorCount = 64; MemoryCapacity = [uint64]549755813888; MaximumVirtualMachineMigrations = 2; MaximumStorageMigrations = 2; VirtualMachineMigrationEnabled = $true; VirtualMachineMigrationPerformanceOption = [VMMigrationPerformance]::Compression } }
$global:vms = @(
  [pscustomobject]@{ Name = 'SQL01'; VMId = $global:vmId; ComputerName = 'HV01'; State = [VMState]::Running; Heartbeat = [VMHeartbeatStatus]::OkApplicationsUnknown; ProcessorCount = 4; MemoryStartup = [int64]8GB; MemoryAssigned = [int64]8GB; CPUUsage = 7; OperationalStatus = [VMOperationalStatus[]]@('MigratingVirtualMachine', 'Ok'); ReplicationMode = [VMReplicationMode]::Primary; ReplicationState = [VMReplicationState]::Replicating; ReplicationHealth = [VMReplicationHealthState]::Warning; Notes = $null; Uptime = [timespan]::FromHours(5) },
  [pscustomobject]@{ Name = 'WEB01'; VMId = [guid]::NewGuid(); ComputerName = 'HV01'; State = [VMState]::RunningCritical; Heartbeat = $null; ProcessorCount = 2; MemoryStartup = [int64]2GB; MemoryAssigned = [int64]0; CPUUsage = 0; OperationalStatus = [VMOperationalStatus[]]@('Ok'); ReplicationMode = [VMReplicationMode]::None; ReplicationState = [VMReplicationState]::Disabled; ReplicationHealth = [VMReplicationHealthState]::NotApplicable; Notes = ''; Uptime = [timespan]::Zero }
)
# -Name is a wildcard pattern; -Id a VMId.
function global:Get-VM { [CmdletBinding()] param([string]$Name, [guid]$Id) $global:vms | Where-Object { (-not $Name -or $_.Name -like $Name) -and (-not $Id -or $_.VMId -eq $Id) } }
function replication($type) { [pscustomobject]@{ VMName = 'SQL01'; VMId = $global:vmId; ComputerName = 'HV01'; ReplicationMode = [VMReplicationMode]::Primary; ReplicationRelationshipType = $type; ReplicationState = [VMReplicationState]::Replicating; ReplicationHealth = [VMReplicationHealthState]::Warning; ReplicationFrequencySec = 30; PrimaryServerName = 'hv01.corp'; ReplicaServerName = 'drhv01.corp'; CurrentReplicaServerName = 'drhv01.corp'; LastReplicationTime = $global:local; RecoveryHistory = 24; VSSSnapshotFrequencyHour = 4 } }
function global:Get-VMReplication { param([string]$VMName, $ReplicationRelationshipType) if ($ReplicationRelationshipType -eq 'Extended') { return } replication ([VMReplicationRelationshipType]::Simple) }
function global:Measure-VMReplication { param([string]$VMName, $ReplicationRelationshipType)
  if ($ReplicationRelationshipType -eq 'Extended') { return }
  $row = replication ([VMReplicationRelationshipType]::Simple)
  # No statistics yet: the monitoring window is null (DOMAIN.md, "What real hosts do").
  $row | Add-Member -NotePropertyMembers ([ordered]@{ PendingReplicationSize = [uint64]0; AverageReplicationSize = [uint64]0; MaximumReplicationSize = [uint64]0; AverageReplicationLatency = $null; ReplicationErrors = 0; SuccessfulReplicationCount = 0; MissedReplicationCount = 0; MonitoringStartTime = $null; MonitoringEndTime = $null; ReplicationHealthDetails = [string[]]@('Replication is in warning.', 'Missed 24 cycles.'); LastReplicationType = [VMReplicationType]::Regular })
  $row
}
function global:Get-ClusterNode { param([string]$Name) foreach ($n in 'HV01', 'HV02') { [pscustomobject]@{ Name = $n; Cluster = 'CL1'; State = [ClusterNodeState]::Up; DrainStatus = [ClusterNodeDrainStatus]::NotInitiated } } }
function global:Get-ClusterGroup {
  $classes = [System.Collections.Specialized.StringCollection]::new(); $null = $classes.Add('SQL')
  [pscustomobject]@{ Name = 'SQL01'; Cluster = 'CL1'; OwnerNode = 'HV01'; State = [ClusterGroupState]::Online; Priority = [uint32]3000; GroupType = [GroupType]::VirtualMachine; AntiAffinityClassNames = $classes }
}
function global:Get-ClusterOwnerNode { param($Group, $Resource) [pscustomobject]@{ OwnerNodes = @([pscustomobject]@{ Name = 'HV01' }, [pscustomobject]@{ Name = 'HV02' }) } }
function global:Get-VMSnapshot {
  [CmdletBinding()] param($VM, [string]$VMName, [string]$Name, $SnapshotType)
  # Get-VMSnapshot -SnapshotType X with no point of that type: ObjectNotFound (DOMAIN.md).
  if ($SnapshotType -eq 'AppConsistentReplica') {
    $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new([Exception]::new('Unable to find a snapshot matching the given criteria.'), 'ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.GetVMSnapshot', 'ObjectNotFound', $VM))
  }
  [pscustomobject]@{ Name = 'SQL01 - Standard Replica - (03/12/2026 - 10:00:00)'; VMName = $VM.Name; SnapshotType = [SnapshotType]::Replica; CreationTime = $global:local }
}
# Start-VMFailover -AsTest writes the test VM to the output even without -Passthru (DOMAIN.md).
function global:Start-VMFailover { [CmdletBinding()] param($VM, [string]$VMName, [switch]$AsTest, [switch]$Prepare, $VMRecoverySnapshot, [switch]$Confirm)
  if ($AsTest) { [pscustomobject]@{ Name = 'SQL01 - Test'; State = [VMState]::Off } }
}
`;

const call = (operation: string, args: Record<string, unknown>) =>
  `Write-Output ('${MARK}' + (& $global:StandbySite.Scripts['${operation}'] '${encodeArgument(args)}'))`;

type Answer = { ok: boolean; data?: unknown; error?: { id: string } };
let inventory: Answer;
let replication: Answer;
let snapshots: Answer;
let drillOutput: { count: number; first: string };

describe.skipIf(!PWSH)(`host scripts' output from typed objects, in real PowerShell${PWSH ? '' : ` (skipped: ${PWSH_MISSING})`}`, () => {
  beforeAll(() => {
    const run = runPwsh([
      STUBS,
      bootstrapLine(scriptPath(DEFAULT_SCRIPT_DIRECTORY, 'session'), { scriptDirectory: DEFAULT_SCRIPT_DIRECTORY, operations: [...REMOTE_OPERATIONS] }),
      call('get-inventory', {}),
      call('get-replication', {}),
      call('get-vmsnapshot', { vmName: 'SQL01' }),
      // Everything the script writes, not only the first item: one JSON text, nothing else.
      `$out = @(& $global:StandbySite.Scripts['start-vmfailover'] '${encodeArgument({ vmName: 'SQL01', asTest: true })}')`,
      `Write-Output ('D${MARK}' + (ConvertTo-Json -Compress -InputObject ([ordered]@{ count = $out.Count; first = [string]$out[0] })))`,
    ].join('\n'), { env: { TZ: 'Europe/Berlin' } });
    expect(run.stderr).toBe('');
    [inventory, replication, snapshots] = markedJson(run, MARK) as [Answer, Answer, Answer];
    drillOutput = markedJson(run, `D${MARK}`)[0] as typeof drillOutput;
  }, PWSH_TIMEOUT_MS);

  it('writes every enum as its name, not its integer', () => {
    expect(inventory.ok).toBe(true);
    const data = inventory.data as { host: unknown; vms: unknown[]; replication: unknown[]; measures: unknown[]; clusterNodes: unknown[]; groups: unknown[] };
    expect(data.host).toMatchObject({ VirtualMachineMigrationPerformanceOption: 'Compression' });
    expect(data.vms[0]).toMatchObject({ State: 'Running', Heartbeat: 'OkApplicationsUnknown', ReplicationMode: 'Primary', ReplicationState: 'Replicating', ReplicationHealth: 'Warning' });
    expect(data.replication[0]).toMatchObject({ ReplicationMode: 'Primary', ReplicationRelationshipType: 'Simple', ReplicationState: 'Replicating', ReplicationHealth: 'Warning' });
    expect(data.measures[0]).toMatchObject({ LastReplicationType: 'Regular', ReplicationRelationshipType: 'Simple' });
    expect(data.clusterNodes[0]).toMatchObject({ State: 'Up', DrainStatus: 'NotInitiated' });
    expect(data.groups[0]).toMatchObject({ State: 'Online', GroupType: 'VirtualMachine' });
    expect((replication.data as { vms: Record<string, unknown>[] }).vms[0]).toMatchObject({ State: 'Running', Heartbeat: 'OkApplicationsUnknown' });
  });

  it('reads as the port expects: names, a VM in a state the model lacks as Other, null monitoring times, lists', () => {
    const answer = parseData(InventoryAnswerSchema, inventory.data, 'get-inventory');
    expect(answer.vms.map((v) => [v.Name, v.State, v.Heartbeat, v.OperationalStatus])).toEqual([
      ['SQL01', 'Running', 'OkApplicationsUnknown', 'MigratingVirtualMachine'],
      ['WEB01', 'Other', 'Unknown', 'Ok'],
    ]);
    expect(answer.measures[0]).toMatchObject({ MonitoringStartTime: null, MonitoringEndTime: null, ReplicationHealthDetails: ['Replication is in warning.', 'Missed 24 cycles.'] });
    expect(answer.groups[0]).toMatchObject({ AntiAffinityClassNames: ['SQL'], PreferredOwners: ['HV01', 'HV02'], PossibleOwners: ['HV01', 'HV02'] });
    expect(parseData(ReplicationAnswerSchema, replication.data, 'get-replication').vms[0]!.State).toBe('Running');
  });

  it('emits lists as one string each, the same on 5.1 and 7 (no {value,Count} wrapper possible)', () => {
    const data = inventory.data as { measures: Record<string, unknown>[]; groups: Record<string, unknown>[]; vms: Record<string, unknown>[] };
    for (const value of [data.measures[0]!.ReplicationHealthDetails, data.groups[0]!.AntiAffinityClassNames, data.groups[0]!.PreferredOwners, data.groups[0]!.PossibleOwners, data.vms[0]!.OperationalStatus]) {
      expect(typeof value).toBe('string');
    }
  });

  it('writes dates in UTC with their offset: a local time of Kind Unspecified is not read in the console time zone', () => {
    const data = inventory.data as { replication: { LastReplicationTime: string }[]; collectedAt: string };
    // 10:00 on a host at UTC+1 is 09:00Z.
    expect(data.replication[0]!.LastReplicationTime).toBe('2026-12-03T09:00:00.0000000Z');
    expect(data.collectedAt).toMatch(/Z$/);
  });

  it('reads recovery points of a VM without app-consistent ones, with SnapshotType as a name', () => {
    expect(snapshots).toMatchObject({ ok: true });
    expect(snapshots.data).toEqual([{ Name: 'SQL01 - Standard Replica - (03/12/2026 - 10:00:00)', VMName: 'SQL01', SnapshotType: 'Replica', CreationTime: '2026-12-03T09:00:00.0000000Z' }]);
    expect(parseData(psList(SnapshotRowSchema), snapshots.data, 'get-vmsnapshot')).toEqual([
      { Name: 'SQL01 - Standard Replica - (03/12/2026 - 10:00:00)', VMName: 'SQL01', SnapshotType: 'Replica', CreationTime: Date.UTC(2026, 11, 3, 9) },
    ]);
  });

  it('answers batched reads and shutdowns per VM, in the order asked, one VM\'s error not hiding the others', () => {
    // Stop-VM -AsJob hands back a job (Hyper-V module docs); the stub's job is a real one.
    const stopVm = String.raw`function global:Stop-VM { [CmdletBinding()] param($VM, [switch]$TurnOff, [switch]$Force, [switch]$AsJob, [switch]$Confirm)
  $VM.State = [VMState]::Off
  if ($AsJob) { Start-Job -ScriptBlock { 'stopped' } } }`;
    const run = runPwsh([
      STUBS, stopVm,
      bootstrapLine(scriptPath(DEFAULT_SCRIPT_DIRECTORY, 'session'), { scriptDirectory: DEFAULT_SCRIPT_DIRECTORY, operations: [...REMOTE_OPERATIONS] }),
      call('get-vms', { vms: [{ vmName: 'WEB01' }, { vmName: 'gone' }, { vmName: 'SQL01' }] }),
      call('stop-vms', { turnOff: false, vms: [{ vmName: 'gone' }, { vmName: 'SQL01' }] }),
    ].join('\n'), { env: { TZ: 'Europe/Berlin' } });
    expect(run.stderr).toBe('');
    const [reads, stops] = markedJson(run, MARK) as [Answer, Answer];
    const items = parseData(psList(VmItemSchema), reads.data, 'get-vms');
    expect(items.map((i) => (i.ok ? i.vm.Name : i.error.category))).toEqual(['WEB01', 'ObjectNotFound', 'SQL01']);
    const stopped = parseData(psList(VmItemSchema), stops.data, 'stop-vms');
    expect(stopped.map((i) => (i.ok ? `${i.vm.Name} ${i.vm.State}` : i.error.category))).toEqual(['ObjectNotFound', 'SQL01 Off']);
  }, PWSH_TIMEOUT_MS);

  it('discards the test VM Start-VMFailover -AsTest writes: the answer is one JSON text', () => {
    expect(drillOutput.count).toBe(1);
    expect(JSON.parse(drillOutput.first)).toMatchObject({ ok: true });
  });
});
