import { generateLabEstate } from '../electron/core/backends/lab/estate-generator.ts';
import { LAB_EPOCH } from '../electron/core/backends/lab/lab-source.ts';
import { parseData, parseSessionEnvelope } from '../electron/core/backends/powershell/ps-output.ts';
import { ReplicationAnswerSchema } from '../electron/core/backends/powershell/ps-rows.ts';
import { remoteOk, replicationAnswer, sessionAnswer } from '../electron/core/testing/powershell-double/windows-json.ts';
import { startDoubleBackend } from '../electron/core/testing/powershell-double/double-backend.ts';
import type { PowerShellBackend } from '../electron/core/backends/powershell/powershell-backend.ts';
import { PWSH, PWSH_MISSING } from '../electron/core/testing/powershell-double/real-pwsh.ts';
import { startEmulatedBackend } from '../electron/core/testing/hyperv-emulation/emulated-backend.ts';
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

  await realPowerShell(emit, seed, vmCount);
}

/** One replication refresh and one inventory: round trips counted by the backend, wall ms. */
async function measure(backend: PowerShellBackend): Promise<{ refreshMs: number; refreshTrips: number; inventoryMs: number; inventoryTrips: number; firstLoadMs: number }> {
  let t = performance.now();
  await backend.load();
  const firstLoadMs = performance.now() - t;
  // Warm: the first calls pay module loading and JIT on every host, as a console does once.
  await backend.refresh();
  let trips = backend.roundTrips();
  t = performance.now();
  await backend.refresh();
  const refreshMs = performance.now() - t;
  const refreshTrips = backend.roundTrips() - trips;
  trips = backend.roundTrips();
  t = performance.now();
  await backend.refresh(true);
  const inventoryMs = performance.now() - t;
  return { refreshMs, refreshTrips, inventoryMs, inventoryTrips: backend.roundTrips() - trips, firstLoadMs };
}

/**
 * The default estate's VMs through real PowerShell: pwsh per site, PSSessions over SSH to loopback
 * hosts, the host scripts against the cmdlet emulation; next to the same through the double. Every
 * host is a pwsh process, so the topology is cut to STANDBY_BENCH_PWSH_HOSTS hosts per cluster
 * (default 2; the VMs stay the default estate's 600 + replicas).
 */
async function realPowerShell(emit: Emit, seed: number, vmCount: number): Promise<void> {
  if (!PWSH) {
    emit({ name: 'powershell.pwsh.skipped', value: 0, unit: 'n/a', baseline: { name: PWSH_MISSING, value: 0 } });
    return;
  }
  const hostsPerCluster = Number(process.env.STANDBY_BENCH_PWSH_HOSTS ?? 2);
  const double = await startDoubleBackend({ seed, vmCount, hostsPerCluster });
  let viaDouble;
  try { viaDouble = await measure(double.backend); } finally { await double.dispose(); }
  const emulated = await startEmulatedBackend({ seed, vmCount, hostsPerCluster });
  try {
    const real = await measure(emulated.backend);
    const hosts = emulated.sim.world.hosts.size;
    const clusters = emulated.sim.world.clusters.size;
    emit({
      name: 'powershell.pwsh.refresh-replication', value: round(real.refreshMs, 1), unit: 'ms',
      baseline: { name: 'through the double', value: round(viaDouble.refreshMs, 1) },
      roundTrips: real.refreshTrips, doubleRoundTrips: viaDouble.refreshTrips, clusters, hosts, vms: emulated.sim.world.vms.size,
    });
    emit({
      name: 'powershell.pwsh.round-trips-per-refresh', value: real.refreshTrips, unit: 'round trips', bound: { op: '<=', value: clusters }, clusters,
    });
    emit({
      name: 'powershell.pwsh.inventory', value: round(real.inventoryMs, 1), unit: 'ms',
      baseline: { name: 'through the double', value: round(viaDouble.inventoryMs, 1) },
      roundTrips: real.inventoryTrips, firstLoadMs: round(real.firstLoadMs, 1), doubleFirstLoadMs: round(viaDouble.firstLoadMs, 1), clusters, hosts,
    });
  } finally {
    await emulated.dispose();
  }
}
