import { HEARTBEAT_STATUS, REPLICATION_HEALTH, REPLICATION_MODE, REPLICATION_STATE, VM_STATE, MIGRATION_PERFORMANCE } from '../../../../shared/model/hyperv-enums.ts';
import { REPLICATION_RELATIONSHIP_TYPE } from '../../backends/powershell/windows-enums.ts';
import type { SiteSession } from '../../backends/powershell/site-session.ts';

/**
 * The answers the host scripts give for a fixed small estate (seed 11, 10 VMs, one host per cluster):
 * recorded from real PowerShell + the cmdlet emulation into fixtures/emulation-answers.json, and used to
 * pin the double (double-pinned.test.ts) so the two fakes cannot drift apart unnoticed.
 */
export const RECORDED_ESTATE = { seed: 11, vmCount: 10, hostsPerCluster: 1, startTime: Date.UTC(2026, 10, 25, 3) } as const;
export const RECORDED_ANSWERS_FILE = new URL('./fixtures/emulation-answers.json', import.meta.url);

export type RecordedAnswers = Record<string, unknown>;

/** get-inventory and get-replication of every cluster of every site, each host's `data`, keyed "op host". */
export async function recordAnswers(sessions: SiteSession[]): Promise<RecordedAnswers> {
  const out: RecordedAnswers = {};
  for (const session of sessions) {
    for (const { cluster } of session.profile.clusters) {
      for (const op of ['get-inventory', 'get-replication'] as const) {
        const result = await session.run(op, { kind: 'cluster-nodes', cluster }, {});
        for (const r of result.results) out[`${op} ${r.computerName.toUpperCase()}`] = r.output.ok ? r.output.data : { error: r.output.error };
      }
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

type Row = Record<string, unknown>;
const ENUMS: Record<string, Record<number, string>> = {
  State: VM_STATE, Heartbeat: HEARTBEAT_STATUS, ReplicationMode: REPLICATION_MODE, ReplicationState: REPLICATION_STATE,
  ReplicationHealth: REPLICATION_HEALTH, ReplicationRelationshipType: REPLICATION_RELATIONSHIP_TYPE,
  VirtualMachineMigrationPerformanceOption: MIGRATION_PERFORMANCE,
};
/** Values both fakes take from the lab and must agree on; the rest is synthesized and compared by shape only. */
const IDENTITY = new Set(['Name', 'VMName', 'VMId', 'ProcessorCount', 'MemoryStartup', 'Notes', 'ReplicationFrequencySec', 'PrimaryServerName',
  'ReplicaServerName', 'LogicalProcessorCount', 'MemoryCapacity', 'MaximumVirtualMachineMigrations', 'RecoveryHistory', 'VSSSnapshotFrequencyHour', ...Object.keys(ENUMS)]);

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** One row as the comparison sees it: every key with its JSON kind, identity values by name, enums by name, dates as instants. */
export function comparableRow(row: Row): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row).sort(([a], [b]) => a.localeCompare(b))) {
    if (ENUMS[key]) out[key] = typeof value === 'number' ? ENUMS[key][value] ?? value : value;
    else if (key === 'LastReplicationTime') out[key] = typeof value === 'string' && !value.startsWith('0001') ? new Date(value).getTime() : null;
    else if (IDENTITY.has(key)) out[key] = value;
    // A one-element array and its single value are the same answer to the parsers (PowerShell 7 unrolls it).
    else out[key] = kind(value) === 'array' && (value as unknown[]).length === 1 ? `<${kind((value as unknown[])[0])}>` : `<${kind(value)}>`;
  }
  return out;
}

const byName = (a: Row, b: Row) => `${String(a.Name ?? a.VMName)}|${String(a.ReplicationRelationshipType)}`.localeCompare(`${String(b.Name ?? b.VMName)}|${String(b.ReplicationRelationshipType)}`);

/** An answer as the comparison sees it: the rows of each list, sorted, made comparable. */
export function comparableAnswer(data: unknown): unknown {
  const answer = data as Record<string, unknown>;
  // Windows PowerShell 5.1 may wrap an array as {"value":[...],"Count":n} (PowerShell issue #3163): the same list.
  const unwrap = (list: unknown) => (list && typeof list === 'object' && !Array.isArray(list) && Array.isArray((list as Row).value) && 'Count' in list ? (list as Row).value : list);
  const rows = (raw: unknown) => { const list = unwrap(raw); return (Array.isArray(list) ? list : list ? [list] : []).map((r) => comparableRow(r as Row)).sort(byName); };
  return {
    host: answer.host ? comparableRow(answer.host as Row) : null,
    vms: rows(answer.vms),
    replication: rows(answer.replication),
    measures: rows(answer.measures),
  };
}
