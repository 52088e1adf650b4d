import type { ReactNode } from 'react';
import type { Host, Replication, Site, Vm } from '../../../shared/model/estate.ts';
import { formatBytes, formatBytesPair } from '../../../shared/format/bytes.ts';
import { formatAgo, formatDuration } from '../../../shared/format/duration.ts';
import { useEstate } from '../../platform/services-context.tsx';
import { Meter } from '../../ui/meter.tsx';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import {
  HEALTH_LABEL, HEALTH_TONE, HEARTBEAT_LABEL, HEARTBEAT_TONE, NODE_STATE_TONE, REPLICATION_MODE_LABEL,
  SITE_ROLE_LABEL, replicationSummary, splitWords, tierLabel, vmStateLabel,
} from '../../ui/hyperv-labels.ts';
import { EntityIcon } from './entity-icon.tsx';
import { hostHealthHeadline } from './host-health-words.ts';
import { nodeKey } from './flatten-tree.ts';
import { hostUsableMemory, type EstateTables, type ReplicationOverlay, type TopologyIndex } from './topology-index.ts';
import './detail-panel.css';

interface Props {
  selectedKey: string;
  index: TopologyIndex;
  overlay: ReplicationOverlay;
  tables: EstateTables;
  onClose(): void;
  onSelect(key: string): void;
}

export function DetailPanel({ selectedKey, index, overlay, tables, onClose, onSelect }: Props) {
  const [kind, id = ''] = splitKey(selectedKey);
  const host = kind === 'host' ? tables.hosts[id] : undefined;
  const vm = kind === 'vm' ? tables.vms[id] : undefined;
  return (
    <aside className="detail-panel" aria-label="Details" data-testid="detail-panel">
      <button type="button" className="detail-close" onClick={onClose} aria-label="Close details" title="Close details (the tree keeps its place)">×</button>
      {vm ? <VmDetail vm={vm} index={index} tables={tables} onSelect={onSelect} />
        : host ? <HostDetail host={host} index={index} overlay={overlay} tables={tables} onSelect={onSelect} />
        : <p className="detail-gone">This {kind === 'vm' ? 'VM' : 'host'} is no longer in the estate.</p>}
    </aside>
  );
}

function splitKey(key: string): [string, string | undefined] {
  const at = key.indexOf(':');
  return [key.slice(0, at), key.slice(at + 1)];
}

function VmDetail({ vm, index, tables, onSelect }: { vm: Vm; index: TopologyIndex; tables: EstateTables; onSelect(key: string): void }) {
  const now = useEstate((s) => s.snapshot?.clock.now ?? Date.now());
  const site = tables.sites[vm.siteId];
  const cluster = tables.clusters[vm.clusterId];
  const host = tables.hosts[vm.hostId];
  const copies = (index.vms.copiesByVmId.get(vm.vmId) ?? []).filter((id) => id !== vm.id).map((id) => tables.vms[id]).filter((c) => c !== undefined);
  const repl = replicationSummary(vm.replication);
  return (
    <>
      <header className="detail-head">
        <EntityIcon kind="vm" />
        <div>
          <h2 className="detail-title">{vm.name}</h2>
          <div className="detail-sub"><StatusGlyph tone={repl.tone} label={repl.health} /> {repl.mode} copy · {vmStateLabel(vm.state)}</div>
        </div>
      </header>

      <Section title="Virtual machine">
        <Prop k="State">{vmStateLabel(vm.state)}</Prop>
        <Prop k="Heartbeat"><StatusGlyph tone={HEARTBEAT_TONE[vm.heartbeat]} /> {HEARTBEAT_LABEL[vm.heartbeat]}</Prop>
        <Prop k="vCPU">{vm.cpuCount}</Prop>
        <Prop k="Memory">{formatBytes(vm.memoryBytes)}</Prop>
        <Prop k="Disk">{formatBytes(vm.diskBytes)}</Prop>
        <Prop k="Tier">{tierLabel(vm)}</Prop>
        <Prop k="Workload">{vm.workload}</Prop>
        <Prop k="Start priority">{vm.priority === 'NoAutoStart' ? 'No auto start' : vm.priority}</Prop>
        {vm.tags.length > 0 ? <Prop k="Tags"><span className="tags">{vm.tags.map((t) => <span key={t} className="tag">{t}</span>)}</span></Prop> : null}
        <Prop k="VM id"><span className="mono">{vm.vmId}</span></Prop>
      </Section>

      <Section title="Placement">
        <Prop k="Site"><SiteName site={site} fallback={vm.siteId} /></Prop>
        <Prop k="Cluster">{cluster?.name ?? vm.clusterId}</Prop>
        <Prop k="Host">{host ? <LinkButton onClick={() => onSelect(nodeKey('host', host.id))}>{host.name}</LinkButton> : vm.hostId}</Prop>
      </Section>

      {vm.replication ? <ReplicationSection title="Replication" r={vm.replication} now={now} /> : <Section title="Replication" plain><p className="muted">Not replicated.</p></Section>}
      {vm.extendedReplication ? <ReplicationSection title="Extended replication" r={vm.extendedReplication} now={now} /> : null}

      <Section title="Other copies of this VM" plain>
        {copies.length === 0 ? <p className="muted">No other copy in this estate.</p> : (
          <ul className="copies">
            {copies.map((c) => {
              const cHost = tables.hosts[c.hostId];
              const cSite = tables.sites[c.siteId];
              const cr = replicationSummary(c.replication);
              return (
                <li key={c.id}>
                  <LinkButton onClick={() => onSelect(nodeKey('vm', c.id))}>
                    <StatusGlyph tone={cr.tone} label={cr.health} /> {cr.mode}
                  </LinkButton>
                  <span className="copy-where">on <b>{cHost?.name ?? c.hostId}</b> · {cSite ? <SiteName site={cSite} fallback={c.siteId} /> : c.siteId} · {vmStateLabel(c.state)}</span>
                </li>
              );
            })}
          </ul>
        )}
      </Section>
    </>
  );
}

function ReplicationSection({ title, r, now }: { title: string; r: Replication; now: number }) {
  return (
    <Section title={title}>
      <Prop k="Mode">{REPLICATION_MODE_LABEL[r.mode]}{r.relationship === 'Extended' ? ' (extended relationship)' : ''}</Prop>
      <Prop k="Health"><StatusGlyph tone={HEALTH_TONE[r.health]} /> {HEALTH_LABEL[r.health]}</Prop>
      <Prop k="State">{splitWords(r.state)}</Prop>
      <Prop k="Frequency">every {formatDuration(r.frequencySec)}</Prop>
      <Prop k="Last replicated">{r.lastReplicationTime === null ? 'Never (initial replication pending)' : formatAgo(r.lastReplicationTime, now)}</Prop>
      <Prop k="Pending">{formatBytes(r.pendingBytes)}</Prop>
      <Prop k="Primary server"><span className="mono">{r.primaryServer}</span></Prop>
      <Prop k="Replica server"><span className="mono">{r.replicaServer}</span></Prop>
      <Prop k="Recovery points">latest + {r.additionalRecoveryPoints}</Prop>
      <Prop k="App-consistent">{r.appConsistentIntervalHours === 0 ? 'off' : `every ${r.appConsistentIntervalHours} h`}</Prop>
    </Section>
  );
}

function HostDetail({ host, index, overlay, tables, onSelect }: { host: Host; index: TopologyIndex; overlay: ReplicationOverlay; tables: EstateTables; onSelect(key: string): void }) {
  const site = tables.sites[host.siteId];
  const cluster = tables.clusters[host.clusterId];
  const usable = hostUsableMemory(host);
  const vms = (index.vms.vmsByHost.get(host.id) ?? []).map((id) => tables.vms[id]).filter((v) => v !== undefined);
  const byMode = new Map<string, number>();
  for (const vm of vms) {
    const mode = vm.replication ? REPLICATION_MODE_LABEL[vm.replication.mode] : 'Not replicated';
    byMode.set(mode, (byMode.get(mode) ?? 0) + 1);
  }
  const tally = overlay.hostHealth(host.id, tables);
  const headline = hostHealthHeadline(host.state, tally);
  const silent = headline && headline.tone !== 'ok' ? headline : null;
  const replicasOn = overlay.partnerHosts(host.id, 'to', tables);
  const copiesFrom = overlay.partnerHosts(host.id, 'from', tables);
  const isPrimarySite = site?.role === 'primary';
  return (
    <>
      <header className="detail-head">
        <EntityIcon kind="host" />
        <div>
          <h2 className="detail-title">{host.name}</h2>
          <div className="detail-sub"><StatusGlyph tone={NODE_STATE_TONE[host.state]} /> Node {host.state} · {cluster?.name ?? host.clusterId}</div>
        </div>
      </header>
      <Section title="Placement">
        <Prop k="Site"><SiteName site={site} fallback={host.siteId} /></Prop>
        <Prop k="Cluster">{cluster?.name ?? host.clusterId}</Prop>
        {cluster?.replicaBroker ? <Prop k="Replica Broker"><span className="mono">{cluster.replicaBroker}</span></Prop> : null}
      </Section>
      <Section title="Capacity">
        <Prop k="CPU"><Meter fraction={host.cpuUsagePct / 100} text={`${Math.round(host.cpuUsagePct)}%`} label="CPU" /></Prop>
        <Prop k="Logical processors">{host.logicalProcessors}</Prop>
        <Prop k="vCPU assigned">{host.vcpuAssigned} ({(host.vcpuAssigned / host.logicalProcessors).toFixed(1)} per LP)</Prop>
        <Prop k="Memory assigned"><Meter fraction={usable > 0 ? host.memoryAssignedBytes / usable : 0} text={formatBytesPair(host.memoryAssignedBytes, usable)} label="Memory" /></Prop>
        <Prop k="Physical memory">{formatBytes(host.memoryBytes)}</Prop>
        <Prop k="Host reserve">{formatBytes(host.hostReserveBytes)}</Prop>
      </Section>
      <Section title="Virtual machines">
        <Prop k="Running">{host.runningVmCount} of {host.vmCount}</Prop>
        {[...byMode].map(([mode, n]) => <Prop key={mode} k={mode}>{n}</Prop>)}
        {vms[0] ? <Prop k="First VM"><LinkButton onClick={() => onSelect(nodeKey('vm', vms[0]!.id))}>{vms[0].name}</LinkButton></Prop> : null}
      </Section>
      {tally && tally.worst !== null ? (
        // A node that is down cannot vouch for its VMs: it says so first, and their last health is only history.
        <Section title={silent ? 'Replication health its VMs last reported' : 'Replication health of its VMs'}>
          {silent ? <Prop k="Now"><span className={`tone-${silent.tone}`} data-testid="host-silent"><StatusGlyph tone={silent.tone} /> {silent.text}</span></Prop> : null}
          {tally.critical > 0 ? <Prop k="Critical"><StatusGlyph tone={silent ? 'none' : 'crit'} /> {tally.critical}</Prop> : null}
          {tally.warning > 0 ? <Prop k="Warning"><StatusGlyph tone={silent ? 'none' : 'warn'} /> {tally.warning}</Prop> : null}
          <Prop k="Normal"><StatusGlyph tone={silent ? 'none' : 'ok'} /> {tally.normal}</Prop>
          {tally.other > 0 ? <Prop k="Not replicated"><StatusGlyph tone="none" /> {tally.other}</Prop> : null}
        </Section>
      ) : null}
      {copiesFrom.length > 0 ? (
        <PartnerHosts title={isPrimarySite ? "This host's replicas come from" : "Copies on this host come from"} list={copiesFrom} tables={tables} onSelect={onSelect} />
      ) : null}
      {replicasOn.length > 0 ? (
        <PartnerHosts title={isPrimarySite ? "Replicas of this host's VMs are on" : "Extended replicas of these copies are on"} list={replicasOn} tables={tables} onSelect={onSelect} />
      ) : null}
      <Section title="Live migration">
        <Prop k="Simultaneous VM">{host.maxVmMigrations}</Prop>
        <Prop k="Simultaneous storage">{host.maxStorageMigrations}</Prop>
        <Prop k="Transport">{host.migrationPerformance === 'TCPIP' ? 'TCP/IP' : host.migrationPerformance}</Prop>
      </Section>
    </>
  );
}

function PartnerHosts({ title, list, tables, onSelect }: { title: string; list: Array<{ hostId: string; count: number }>; tables: EstateTables; onSelect(key: string): void }) {
  return (
    <Section title={title} plain>
      <ul className="copies partner-hosts">
        {list.map(({ hostId, count }) => {
          const h = tables.hosts[hostId];
          const hSite = h ? tables.sites[h.siteId] : undefined;
          const hCluster = h ? tables.clusters[h.clusterId] : undefined;
          return (
            <li key={hostId}>
              {h ? <LinkButton onClick={() => onSelect(nodeKey('host', h.id))}>{h.name}</LinkButton> : <span className="mono">{hostId}</span>}
              <span className="copy-where"><b>{count.toLocaleString()}</b> {count === 1 ? 'copy' : 'copies'}{hCluster ? ` · ${hCluster.name}` : ''}{hSite ? <> · <SiteName site={hSite} fallback={hSite.id} /></> : null}</span>
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

function SiteName({ site, fallback }: { site: Site | undefined; fallback: string }) {
  if (!site) return <>{fallback}</>;
  return <>{site.name} <span className={`badge badge-${site.role}`}>{SITE_ROLE_LABEL[site.role]}</span></>;
}

function Section({ title, children, plain = false }: { title: string; children: ReactNode; plain?: boolean }) {
  return (
    <section className="detail-section">
      <h3>{title}</h3>
      {plain ? children : <dl>{children}</dl>}
    </section>
  );
}

function Prop({ k, children }: { k: string; children: ReactNode }) {
  return (
    <div className="prop">
      <dt>{k}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function LinkButton({ onClick, children }: { onClick(): void; children: ReactNode }) {
  return <button type="button" className="link-button" onClick={onClick}>{children}</button>;
}
