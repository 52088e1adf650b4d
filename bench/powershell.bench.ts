import { generateLabEstate } from '../electron/core/backends/lab/estate-generator.ts';
import { LAB_EPOCH } from '../electron/core/backends/lab/lab-source.ts';
import { parseData, parseSessionEnvelope } from '../electron/core/backends/powershell/ps-output.ts';
import { ReplicationAnswerSchema } from '../electron/core/backends/powershell/ps-rows.ts';
import { remoteOk, replicationAnswer, sessionAnswer } from '../electron/core/testing/powershell-double/windows-json.ts';
import { startDoubleBackend } from '../electron/core/testing/powershell-double/double-backend.ts';
import { DEFAULT_SETTINGS } from '../shared/model/settings.ts';
import { median, round, type Emit } from './bench-result.ts';

/** What the backend does with one refresh's text: envelope check, JSON, zod per host. */
function parseRefresh(payloads: string[]): number {
  let rows = 0;
  for (const stdout of payloads) {
    const envelope = parseSessionEnvelope(stdout, 'get-replication');
    if (!('results' in envelope)) throw new Error('no results');
    for (const r of envelope.results) if (r.output.ok) rows += parseData(ReplicationAnswerSchema, r.output.data, 'get-replication').measures.length;
  }
  return rows;
}

export async function run(emit: Emit): Promise<void> {
  const { seed, vmCount } = DEFAULT_SETTINGS.lab;

  // Parse of the primary site's replication refresh (600 VMs), as Windows PowerShell 5.1 writes it.
  const estate = generateLabEstate({ seed, vmCount, startTime: LAB_EPOCH });
  const primary = estate.clusters.filter((c) => c.siteId === 'site-pri');
  const payloads = primary.map((cluster) => sessionAnswer(estate.hosts.filter((h) => h.clusterId === cluster.id)
    .map((h) => ({ computerName: h.name, output: remoteOk(replicationAnswer('5.1', estate, h, LAB_EPOCH)) }))));
  const bytes = payloads.reduce((n, p) => n + p.length, 0);
  const rows = parseRefresh(payloads);
  // Warm up as a long-running app is: the refresh runs every 30 s for hours.
  for (let i = 0; i < 100; i++) parseRefresh(payloads);
  const parse: number[] = [];
  const jsonOnly: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    parseRefresh(payloads);
    parse.push(performance.now() - t);
  }
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    for (const p of payloads) JSON.parse(p);
    jsonOnly.push(performance.now() - t);
  }
  emit({
    name: 'powershell.parse-replication-600', value: round(median(parse), 3), unit: 'ms',
    bound: { op: '<=', value: 5 }, baseline: { name: 'JSON.parse only', value: round(median(jsonOnly), 3) },
    vms: estate.vms.filter((v) => v.siteId === 'site-pri').length, relationships: rows, payloadBytes: bytes,
  });

  // Round trips per refresh through the double: real node-powershell, one fake shell per site.
  const double = await startDoubleBackend({ seed, vmCount });
  try {
    const clusters = double.sim.world.clusters.size;
    let t = performance.now();
    await double.backend.load();
    const loadMs = performance.now() - t;
    double.hub.resetCounters();
    t = performance.now();
    await double.backend.refresh();
    const refreshMs = performance.now() - t;
    emit({ name: 'powershell.round-trips-per-refresh', value: double.hub.totalRoundTrips(), unit: 'round trips', bound: { op: '<=', value: clusters }, clusters, refreshMs: round(refreshMs, 1) });
    double.hub.resetCounters();
    t = performance.now();
    await double.backend.refresh(true);
    const inventoryMs = performance.now() - t;
    emit({ name: 'powershell.round-trips-per-inventory', value: double.hub.totalRoundTrips(), unit: 'round trips', bound: { op: '<=', value: clusters }, clusters, inventoryMs: round(inventoryMs, 1), firstLoadMs: round(loadMs, 1) });
  } finally {
    await double.dispose();
  }
}
