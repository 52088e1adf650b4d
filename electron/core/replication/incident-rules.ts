import type { Cluster, Host, Site, Vm } from '../../../shared/model/estate.ts';
import type { ReplicationState } from '../../../shared/model/hyperv-enums.ts';
import { isProtectedCopy } from '../estate/rpo-status.ts';

/**
 * What broke, read from the estate alone so it holds for the lab and for real hosts alike: a node
 * that is Down, a cluster with more than one, a site with all of them, and a WAN link that no
 * replication cycle has crossed for longer than its VMs' cycles allow. One incident per failure
 * domain, the widest that explains it; the per-VM alerts it causes are filed under it.
 */
export interface IncidentFinding {
  kind: 'wan-link' | 'site' | 'cluster' | 'host';
  /** Stable key of what failed: the alert's subject. */
  subjectId: string;
  subjectName: string;
  severity: 'warning' | 'critical';
  message: string;
  /** Protected copies (record ids) whose replication this incident explains. */
  covers: Set<string>;
}

export interface CorrelationView {
  vms(): Iterable<Vm>;
  hosts(): Iterable<Host>;
  sites(): Iterable<Site>;
  clusters(): Iterable<Cluster>;
}

export const WAN_RULES = {
  /** A link with fewer replicating VMs than this is too quiet to tell a cut from a lull. */
  minVms: 3,
  /**
   * Silence on the whole link longer than this (and than two of its shortest cycles) is a cut: with
   * Hyper-V Replica every VM ships at its frequency (30 s, 5 or 15 min; Set-VMReplication
   * -ReplicationFrequencySec), so many VMs together leave no gap of minutes unless the path is gone.
   */
  minSilenceMs: 3 * 60_000,
} as const;

/** States in which Hyper-V Replica ships cycles, or tries to and fails (Error after failed sends). */
const SHIPPING: ReadonlySet<ReplicationState> = new Set<ReplicationState>(['Replicating', 'Error']);

export function findIncidents(view: CorrelationView, now: number): IncidentFinding[] {
  const hosts = new Map<string, Host>();
  for (const h of view.hosts()) hosts.set(h.id, h);
  const siteNames = new Map<string, string>();
  for (const s of view.sites()) siteNames.set(s.id, s.name);
  const clusters = new Map<string, Cluster>();
  for (const c of view.clusters()) clusters.set(c.id, c);

  // Failure domains, widest first: a lost site, then clusters with 2+ nodes down, then single nodes.
  const hostsBySite = new Map<string, Host[]>();
  for (const h of hosts.values()) hostsBySite.set(h.siteId, [...(hostsBySite.get(h.siteId) ?? []), h]);
  const lostSites = new Set([...hostsBySite].filter(([, hs]) => hs.length > 0 && hs.every((h) => h.state === 'Down')).map(([id]) => id));
  const domainOf = new Map<string, IncidentFinding>(); // host id → the incident it belongs to
  const findings: IncidentFinding[] = [];
  for (const siteId of lostSites) {
    const count = hostsBySite.get(siteId)!.length;
    const name = siteNames.get(siteId) ?? siteId;
    const finding = incident('site', `site:${siteId}`, name, `Site ${name} is lost: all ${count} hosts are down.`);
    for (const h of hostsBySite.get(siteId)!) domainOf.set(h.id, finding);
    findings.push(finding);
  }
  const downByCluster = new Map<string, Host[]>();
  for (const h of hosts.values()) {
    if (h.state !== 'Down' || lostSites.has(h.siteId)) continue;
    downByCluster.set(h.clusterId, [...(downByCluster.get(h.clusterId) ?? []), h]);
  }
  for (const [clusterId, down] of downByCluster) {
    const cluster = clusters.get(clusterId);
    const name = cluster?.name ?? clusterId;
    const finding = down.length === 1
      ? incident('host', `host:${down[0]!.id}`, down[0]!.name, `Host ${down[0]!.name} (cluster ${name}) is down.`)
      : incident('cluster', `cluster:${clusterId}`, name, `Cluster ${name} is degraded: ${down.length} of ${cluster?.hostIds.length ?? '?'} nodes are down (${down.map((h) => h.name).join(', ')}).`);
    for (const h of down) domainOf.set(h.id, finding);
    findings.push(finding);
  }

  // Where each VM's replica lives, to name the link its cycles cross.
  const replicaOf = new Map<string, Vm>();
  const protectedCopies: Vm[] = [];
  for (const vm of view.vms()) {
    if (isProtectedCopy(vm)) protectedCopies.push(vm);
    else if (vm.replication?.mode === 'Replica' && vm.replication.relationship === 'Simple') replicaOf.set(vm.vmId, vm);
  }
  const links = new Map<string, { from: string; to: string; vms: Vm[]; newest: number; shortestSec: number }>();
  for (const vm of protectedCopies) {
    const replica = replicaOf.get(vm.vmId);
    const domain = domainOf.get(vm.hostId) ?? (replica ? domainOf.get(replica.hostId) : undefined);
    if (domain) { domain.covers.add(vm.id); continue; }
    if (!replica || replica.siteId === vm.siteId) continue;
    const replication = vm.replication!;
    if (!SHIPPING.has(replication.state) || replication.lastReplicationTime === null) continue;
    const key = `wan:${vm.siteId}>${replica.siteId}`;
    let link = links.get(key);
    if (!link) links.set(key, (link = { from: vm.siteId, to: replica.siteId, vms: [], newest: -Infinity, shortestSec: Infinity }));
    link.vms.push(vm);
    link.newest = Math.max(link.newest, replication.lastReplicationTime);
    link.shortestSec = Math.min(link.shortestSec, replication.frequencySec);
  }
  for (const [key, link] of links) {
    const silence = now - link.newest;
    if (link.vms.length < WAN_RULES.minVms || silence <= Math.max(WAN_RULES.minSilenceMs, 2 * link.shortestSec * 1000)) continue;
    const from = siteNames.get(link.from) ?? link.from;
    const to = siteNames.get(link.to) ?? link.to;
    const finding = incident('wan-link', key, `${from} → ${to}`,
      `The WAN link from ${from} to ${to} is down: no replication cycle has reached ${to} for ${Math.floor(silence / 60_000)} min, on any of its ${link.vms.length} VMs, while the hosts at both ends are up.`);
    for (const vm of link.vms) finding.covers.add(vm.id);
    findings.push(finding);
  }
  return findings;
}

function incident(kind: IncidentFinding['kind'], subjectId: string, subjectName: string, message: string): IncidentFinding {
  return { kind, subjectId, subjectName, severity: 'critical', message, covers: new Set() };
}
