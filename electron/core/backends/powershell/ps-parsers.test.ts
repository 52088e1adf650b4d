import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../../shared/contract/errors.ts';
import { generateLabEstate } from '../lab/estate-generator.ts';
import { mapSiteInventory, parseNotes, type ClusterAnswer } from './inventory-mapper.ts';
import { contractErrorOf, errorCodeOf, parseData, parseSessionEnvelope } from './ps-output.ts';
import { InventoryAnswerSchema, MeasureRowSchema, ReplicationAnswerSchema, SnapshotRowSchema, VmRowSchema } from './ps-rows.ts';
import { psDate, psEnum, psList, psStrings, psTimeSpan, withValueWarnings } from './ps-values.ts';
import { VM_STATE } from '../../../../shared/model/hyperv-enums.ts';
import { inventoryAnswer, remoteOk, replicationAnswer, sessionAnswer } from '../../testing/powershell-double/windows-json.ts';
import { z } from 'zod';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function inventoryOf(stdout: string) {
  const envelope = parseSessionEnvelope(stdout, 'get-inventory');
  if (!('results' in envelope)) throw new Error('expected results');
  return envelope.results.map((r) => {
    if (!r.output.ok) throw contractErrorOf(r.output.error, 'get-inventory');
    return { computerName: r.computerName, answer: parseData(InventoryAnswerSchema, r.output.data, 'get-inventory') };
  });
}

describe('PowerShell value quirks', () => {
  it('reads enums as integers, names in any case, numeric strings and {value}', () => {
    const state = psEnum(VM_STATE);
    expect([2, 'Running', 'running', '2', { value: 2 }].map((v) => state.parse(v))).toEqual(Array(5).fill('Running'));
    expect(state.safeParse(5).success).toBe(false);
    expect(state.safeParse('Sideways').error?.issues[0]?.message).toMatch(/Unknown value "Sideways"; known: Other=1, Running=2/);
  });

  it('reads /Date()/, ISO with and without offset, and year 1 as never', () => {
    expect(psDate.parse('/Date(1700000000000)/')).toBe(1700000000000);
    expect(psDate.parse('/Date(1700000000000+0100)/')).toBe(1700000000000);
    expect(psDate.parse('2023-11-14T23:13:20.0000000+01:00')).toBe(1700000000000);
    expect(psDate.parse('2023-11-14T22:13:20Z')).toBe(1700000000000);
    expect(psDate.parse('0001-01-01T00:00:00.0000000')).toBeNull();
    expect(psDate.parse(null)).toBeNull();
    expect(psDate.safeParse('yesterday').success).toBe(false);
  });

  it('reads TimeSpans as objects, text and seconds', () => {
    expect(psTimeSpan.parse({ Ticks: 42_500_000, TotalSeconds: 4.25 })).toBe(4.25);
    expect(psTimeSpan.parse({ Ticks: 42_500_000 })).toBe(4.25);
    expect(psTimeSpan.parse('00:00:04.2500000')).toBe(4.25);
    expect(psTimeSpan.parse('1.02:03:04')).toBe(93784);
    expect(psTimeSpan.parse(null)).toBeNull();
  });

  it('reads no rows, one row, an array and the 5.1 {value, Count} wrapper as lists', () => {
    const list = psList(z.number());
    expect(list.parse(undefined)).toEqual([]);
    expect(list.parse(null)).toEqual([]);
    expect(list.parse('')).toEqual([]);
    expect(list.parse(7)).toEqual([7]);
    expect(list.parse([1, 2])).toEqual([1, 2]);
    expect(list.parse({ value: [1], Count: 1 })).toEqual([1]);
  });

  it('reads string lists joined by the record separator, as the scripts emit them on 5.1 and 7, and the older forms', () => {
    expect(psStrings.parse('a\u001eb')).toEqual(['a', 'b']);
    expect(psStrings.parse('')).toEqual([]);
    expect(psStrings.parse('one')).toEqual(['one']);
    // Windows PowerShell 5.1's array-valued calculated property (PowerShell issue #3163).
    expect(psStrings.parse({ value: ['a', 'b'], Count: 2 })).toEqual(['a', 'b']);
    expect(psStrings.parse({ value: [], Count: 0 })).toEqual([]);
    expect(psStrings.parse(['a', 'b'])).toEqual(['a', 'b']);
    expect(psStrings.parse(null)).toEqual([]);
  });

  it("reads SnapshotType by Microsoft's numbers (Replica 6, AppConsistentReplica 7) and by name", () => {
    const point = (SnapshotType: unknown) => SnapshotRowSchema.parse({ Name: 'p', VMName: 'SQL01', SnapshotType, CreationTime: '2026-12-03T09:00:00.0000000Z' }).SnapshotType;
    expect([6, '6', 'Replica'].map(point)).toEqual(['Replica', 'Replica', 'Replica']);
    expect([7, 'AppConsistentReplica'].map(point)).toEqual(['AppConsistentReplica', 'AppConsistentReplica']);
    // 8 is SyncedReplica and 5 Missing: not recovery points to fail over to.
    for (const other of [8, 5, 'SyncedReplica']) expect(SnapshotRowSchema.safeParse({ Name: 'p', VMName: 'SQL01', SnapshotType: other, CreationTime: '2026-12-03T09:00:00Z' }).success).toBe(false);
  });

  it('reads a monitoring window Windows leaves null (no statistics yet) as null', () => {
    const [b01] = inventoryOf(fixture('ps51-lists-and-unknowns.json'));
    expect(b01!.answer.measures[0]).toMatchObject({ MonitoringStartTime: null, MonitoringEndTime: null, AverageReplicationLatency: null });
  });

  it('reads Standby tags out of VM Notes and ignores the rest', () => {
    expect(parseNotes('Owner: Radiology\nstandby: tier=0; workload=PACS; priority=High; disk=1024; tags=a, b')).toEqual({ tier: 0, workload: 'PACS', priority: 'High', diskBytes: 1024, tags: ['a', 'b'] });
    expect(parseNotes('nothing here')).toEqual({});
    expect(parseNotes('standby: tier=7; priority=Urgent')).toEqual({});
  });
});

describe('PowerShell 5.1 and 7 fixtures', () => {
  it('parses a 5.1 inventory: integers, /Date()/, TimeSpan object, wrapped arrays, a lone string[]', () => {
    const [a01, a02] = inventoryOf(fixture('ps51-inventory.json'));
    const vm = a01!.answer.vms[0]!;
    expect(vm).toMatchObject({ Name: 'SQL-EPR-01', State: 'Running', Heartbeat: 'OkApplicationsHealthy', OperationalStatus: 'MigratingVirtualMachine', ReplicationMode: 'Primary', ReplicationHealth: 'Warning' });
    const measure = a01!.answer.measures[0]!;
    expect(measure).toMatchObject({ PendingReplicationSize: 73400320, AverageReplicationLatency: 4.25, ReplicationHealthDetails: ['Replication missed 24 of 120 cycles in the monitoring window.'], LastReplicationType: 'Regular', RelationshipType: 'Simple' });
    expect(measure.MonitoringEndTime).toBe(Date.UTC(2026, 10, 25, 4, 0, 0));
    expect(a01!.answer.replication[0]!.info.LastReplicationTime).toBe(1795921170000);
    expect(a01!.answer.clusterNodes[1]).toEqual({ Name: 'HV-A02', Cluster: 'CL-A', State: 'Paused', DrainStatus: 'Completed' });
    expect(a02!.answer.vms).toEqual([]);
    expect(a02!.answer.measures).toEqual([]);
    expect(a02!.answer.groups).toEqual([null]);
    expect(a02!.answer.host.VirtualMachineMigrationPerformanceOption).toBe('TCPIP');
  });

  it('parses 5.1 {value,Count} lists of owners, anti-affinity classes and health details', () => {
    const [b01] = inventoryOf(fixture('ps51-lists-and-unknowns.json'));
    expect(b01!.answer.groups[0]).toMatchObject({ AntiAffinityClassNames: ['PACS'], PreferredOwners: ['HV-B01', 'HV-B02'], PossibleOwners: ['HV-B01', 'HV-B02'] });
    expect(b01!.answer.measures[0]!.ReplicationHealthDetails).toEqual(['Replication is in warning state.', 'Missed 3 replication cycles.']);
  });

  it('reads a VM in a state the model lacks, or a value nobody knows, as Other/Unknown with a warning, and keeps the whole answer', () => {
    const warnings: string[] = [];
    const [b01] = withValueWarnings(warnings, () => inventoryOf(fixture('ps51-lists-and-unknowns.json')));
    expect(b01!.answer.vms.map((v) => [v.Name, v.State, v.Heartbeat, v.ReplicationState])).toEqual([
      ['PACS-01', 'Other', 'OkApplicationsUnknown', 'Replicating'],
      ['LAB-02', 'Other', 'Unknown', 'Error'],
    ]);
    expect(warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/RunningCritical.*Other/),
      expect.stringMatching(/40000.*Other/),
      expect.stringMatching(/42.*Unknown/),
      expect.stringMatching(/99.*Error/),
    ]));
    // The site is not blanked: both VMs map.
    const site = mapSiteInventory({ siteId: 'site-b', role: 'primary', name: 'B', location: '' }, [{ cluster: 'CL-B', hosts: [b01!] }]);
    expect(site.vms.map((v) => v.name)).toEqual(['PACS-01', 'LAB-02']);
  });

  it('parses a 7 inventory: names, UTC ISO, TimeSpan text, never-replicated extended relationship', () => {
    const envelope = parseSessionEnvelope(fixture('ps7-inventory.json'), 'get-inventory');
    expect('failures' in envelope && envelope.failures[0]?.id).toBe('AccessDenied,PSSessionStateBroken');
    const [dr] = inventoryOf(fixture('ps7-inventory.json'));
    const site = mapSiteInventory({ siteId: 'site-dr', role: 'dr', name: 'Riverside', location: '' }, [{ cluster: 'CL-DR1', hosts: [dr!] }]);
    expect(site.clusters[0]).toMatchObject({ id: 'site-dr/CL-DR1', replicaBroker: 'HVR-DR1', hostIds: ['site-dr/CL-DR1/DRHV-101'] });
    const vm = site.vms[0]!;
    expect(vm).toMatchObject({ id: 'r:SQL-EPR-01', state: 'Off', heartbeat: 'Unknown', tier: 0, workload: 'Unclassified' });
    expect(vm.replication).toMatchObject({ mode: 'Replica', relationship: 'Simple', frequencySec: 30, additionalRecoveryPoints: 24, appConsistentIntervalHours: 4, lastReplicationTime: Date.UTC(2026, 10, 25, 3, 59, 30) });
    expect(vm.extendedReplication).toMatchObject({ mode: 'Primary', relationship: 'Extended', state: 'ReadyForInitialReplication', lastReplicationTime: null });
  });

  it('maps a refused failover to invalid-state and a missing VM to not-found', () => {
    for (const [file, code] of [['ps51-start-vmfailover-refused.json', 'invalid-state'], ['ps51-get-vm-not-found.json', 'not-found']] as const) {
      const envelope = parseSessionEnvelope(fixture(file), file);
      const out = 'results' in envelope ? envelope.results[0]!.output : null;
      expect(out?.ok).toBe(false);
      if (out && !out.ok) expect(errorCodeOf(out.error)).toBe(code);
    }
  });

  it('maps a VM that fails to start on a missing disk to backend, not to a missing VM', () => {
    const error = {
      id: 'OperationFailed,Microsoft.HyperV.PowerShell.Commands.StartVM', category: 'NotSpecified',
      message: "'SQL-EPR-01' failed to start. 'Synthetic SCSI Controller' failed to power on: The system cannot find the file specified.",
    };
    expect(errorCodeOf(error)).toBe('backend');
    expect(errorCodeOf({ ...error, message: 'Hyper-V was unable to find a virtual machine with name "SQL-EPR-01".' })).toBe('not-found');
  });

  it('maps Invoke-Command refusing a session that closed under it to disconnected, so the step is retried on a reopened session', () => {
    // The message is PowerShell's resource ICMNoValidRunspaces (read from System.Management.Automation 7.6).
    const refused = {
      id: 'NoValidRunspaces,Microsoft.PowerShell.Commands.InvokeCommandCommand', category: 'InvalidArgument',
      message: 'No valid sessions were specified.  Ensure you provide valid sessions that are in the Opened state and are available to run commands.',
    };
    expect(errorCodeOf(refused)).toBe('disconnected');
    expect(errorCodeOf({ ...refused, id: 'Other', message: refused.message })).toBe('disconnected');
  });
});

describe('output that must not be believed', () => {
  const good = fixture('ps51-inventory.json').trim();
  const cases: [string, string, RegExp][] = [
    ['empty', '', /printed nothing/],
    ['whitespace', ' \r\n ', /printed nothing/],
    ['truncated', good.slice(0, 500), /truncated after 500 characters/],
    ['a warning before the JSON', `WARNING: The names of some imported commands include unapproved verbs.\r\n${good}`, /more than the JSON answer \("WARNING: The names/],
    ['a warning after the JSON', `${good}\nWARNING: late`, /more than the JSON answer \("WARNING: late"\)/],
    ['plain text', 'Access is denied.', /not JSON \("Access is denied."\)/],
    ['an HTML error page', '<html><body>502</body></html>', /not JSON/],
    ['a JSON array', '[1,2]', /not JSON/],
    ['malformed', '{"ok":true,,}', /malformed JSON/],
    ['the wrong shape', '{"ok":"yes"}', /unexpected answer shape/],
  ];
  it.each(cases)('refuses %s with a backend error', (_label, stdout, message) => {
    let error: unknown;
    try { parseSessionEnvelope(stdout, 'get-inventory'); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('backend');
    expect((error as ContractError).message).toMatch(message);
  });

  it('drops a malformed VM or replication row with a warning naming it, and keeps the rest of the host\'s answer', () => {
    const estate = generateLabEstate({ seed: 7, vmCount: 60, startTime: Date.UTC(2026, 10, 25, 3) });
    const replicated = (h: { id: string }) => estate.vms.filter((v) => v.hostId === h.id && v.replication).length;
    const host = [...estate.hosts].sort((a, b) => replicated(b) - replicated(a))[0]!;
    expect(replicated(host)).toBeGreaterThanOrEqual(2);
    const data = inventoryAnswer('7', estate, host, Date.UTC(2026, 10, 25, 3)) as { vms: Record<string, unknown>[]; replication: Record<string, unknown>[] };
    const [broken, ...rest] = data.vms;
    delete broken!.VMId;
    data.replication[0]!.ReplicationFrequencySec = 'often';
    const warnings: string[] = [];
    const [answer] = withValueWarnings(warnings, () => inventoryOf(sessionAnswer([{ computerName: host.name, output: remoteOk(data) }])));
    expect(answer!.answer.vms.map((v) => v.Name)).toEqual(rest.map((v) => v.Name));
    expect(answer!.answer.replication).toHaveLength(data.replication.length - 1);
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`vms: the row of '${String(broken!.Name)}' was left out: VMId`)),
      expect.stringMatching(/replication: the row of '.+' was left out: ReplicationFrequencySec/),
    ]);
  });

  it('names the field when a row does not match the schema', () => {
    expect(() => parseData(VmRowSchema, { Name: 'x' }, 'get-vm')).toThrow(/get-vm: VMId: .*nothing was applied/);
    expect(() => parseData(MeasureRowSchema, {}, 'measure')).toThrow(ContractError);
  });
});

describe('the lab estate through Windows JSON and back', () => {
  const estate = generateLabEstate({ seed: 7, vmCount: 60, startTime: Date.UTC(2026, 10, 25, 3) });
  for (const flavor of ['5.1', '7'] as const) {
    it(`maps every site back to the lab's records (${flavor})`, () => {
      for (const site of estate.sites) {
        const clusters: ClusterAnswer[] = estate.clusters.filter((c) => c.siteId === site.id).map((cluster) => {
          const hosts = estate.hosts.filter((h) => h.clusterId === cluster.id);
          const stdout = sessionAnswer(hosts.map((h) => ({ computerName: h.name, output: remoteOk(inventoryAnswer(flavor, estate, h, Date.UTC(2026, 10, 25, 3))) })));
          return { cluster: cluster.name, hosts: inventoryOf(stdout) };
        });
        const mapped = mapSiteInventory({ siteId: site.id, role: site.role, name: site.name, location: site.location }, clusters);
        expect(mapped.site).toEqual(site);
        expect(mapped.clusters).toEqual(estate.clusters.filter((c) => c.siteId === site.id));
        expect(mapped.hosts).toEqual(estate.hosts.filter((h) => h.siteId === site.id));
        const expected = estate.vms.filter((v) => v.siteId === site.id).map((v) => ({ ...v, cpuUsagePct: Math.round(v.cpuUsagePct), heartbeat: v.state === 'Off' ? 'Unknown' : v.heartbeat }));
        expect([...mapped.vms].sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));
      }
    });
  }

  it('keeps a site that no node answered as it was, its hosts Unknown, rather than reading it as empty', () => {
    const site = estate.sites.find((s) => s.role === 'primary')!;
    const profile = { siteId: site.id, role: site.role, name: site.name, location: site.location };
    const hosts = estate.hosts.filter((h) => h.siteId === site.id);
    const vmsByHost = new Map(hosts.map((h) => [h.id, estate.vms.filter((v) => v.hostId === h.id)]));
    const silent = estate.clusters.filter((c) => c.siteId === site.id).map((c) => ({ cluster: c.name, hosts: [] }));
    const mapped = mapSiteInventory(profile, silent, { hosts: new Map(hosts.map((h) => [h.id, h])), vmsByHost });
    expect(mapped.hosts.map((h) => [h.id, h.state])).toEqual(hosts.map((h) => [h.id, 'Unknown']));
    expect(mapped.vms.map((v) => v.id).sort()).toEqual(estate.vms.filter((v) => v.siteId === site.id).map((v) => v.id).sort());
    expect(mapped.clusters.map((c) => c.hostIds)).toEqual(estate.clusters.filter((c) => c.siteId === site.id).map((c) => c.hostIds));
  });

  it('parses a replication refresh', () => {
    const host = estate.hosts.find((h) => estate.vms.some((v) => v.hostId === h.id && v.replication))!;
    const parsed = parseData(ReplicationAnswerSchema, replicationAnswer('5.1', estate, host, Date.UTC(2026, 10, 25, 3)), 'get-replication');
    expect(parsed.vms.length).toBe(estate.vms.filter((v) => v.hostId === host.id).length);
    expect(parsed.measures.length).toBeGreaterThan(0);
  });
});
