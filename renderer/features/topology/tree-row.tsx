import { memo, type ReactNode } from 'react';
import type { Cluster, Host, Site, Vm } from '../../../shared/model/estate.ts';
import { formatBytes, formatBytesPair } from '../../../shared/format/bytes.ts';
import { StatusGlyph, type Tone } from '../../ui/status-glyph.tsx';
import { Meter } from '../../ui/meter.tsx';
import {
  HEALTH_TONE, HEARTBEAT_LABEL, HEARTBEAT_TONE, NODE_STATE_TONE, SITE_ROLE_LABEL, replicationSummary, tierLabel, vmIsActive, vmStateLabel,
} from '../../ui/hyperv-labels.ts';
import { EntityIcon } from './entity-icon.tsx';
import { hostHealthHeadline } from './host-health-words.ts';
import { Highlight } from './highlight.tsx';
import { hostUsableMemory, type ClusterTotals, type CopyLinks, type HealthTally, type ReplicaHeadroom } from './topology-index.ts';
import type { TreeRow as Row } from './flatten-tree.ts';

export type RowEntity =
  | { kind: 'site'; site: Site; clusterCount: number; hostCount: number; vmCount: number }
  | { kind: 'cluster'; cluster: Cluster; totals: ClusterTotals | undefined; headroom: ReplicaHeadroom | undefined }
  | { kind: 'host'; host: Host; health: HealthTally | undefined; pair: string }
  | { kind: 'vm'; vm: Vm; links: CopyLinks | undefined; pair: VmPair | undefined };

/** Arrow texts to the partner hosts of a copy: where it comes from, where it goes; '' for none. */
export interface VmPair { from: string; to: string }

interface Props {
  row: Row;
  entity: RowEntity;
  selected: boolean;
  tabStop: boolean;
  query: string;
  /** Offset and height in px from the virtualizer. */
  top: number;
  height: number;
  onToggle(row: Row): void;
  onActivate(row: Row): void;
}

/** One line of the tree. Memoised: entities keep identity across patches, so only changed rows re-render. */
export const TreeRow = memo(function TreeRow({ row, entity, selected, tabStop, query, top, height, onToggle, onActivate }: Props) {
  const cells = rowCells(entity, query);
  return (
    <div
      role="treeitem"
      aria-level={row.level}
      aria-posinset={row.posInSet}
      aria-setsize={row.setSize}
      aria-expanded={row.expanded === null ? undefined : row.expanded}
      aria-selected={selected}
      aria-label={cells.label}
      tabIndex={tabStop ? 0 : -1}
      data-key={row.key}
      data-kind={row.kind}
      className={`tree-row tree-row-${row.kind}${selected ? ' is-selected' : ''}${cells.quiet ? ' is-quiet' : ''}`}
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={() => onActivate(row)}
    >
      <span className="cell cell-name" style={{ paddingLeft: `${(row.level - 1) * 1.25 + 0.25}rem` }}>
        {row.expanded === null ? (
          <span className="twisty twisty-leaf" aria-hidden="true" />
        ) : (
          <span
            className={`twisty${row.expanded ? ' is-open' : ''}`}
            aria-hidden="true"
            onClick={(e) => { e.stopPropagation(); onToggle(row); }}
          >
            <svg viewBox="0 0 16 16" focusable="false"><path d="M6 4l4 4-4 4" /></svg>
          </span>
        )}
        <EntityIcon kind={row.kind} />
        <span className="name-text">{cells.name}</span>
        {cells.nameExtra}
      </span>
      {cells.columns}
    </div>
  );
});

interface Cells {
  name: ReactNode;
  nameExtra?: ReactNode;
  columns: ReactNode;
  /** Accessible name: starts with the entity name, then what a sighted user reads on the line. */
  label: string;
  quiet?: boolean;
}

function rowCells(entity: RowEntity, query: string): Cells {
  switch (entity.kind) {
    case 'site': {
      const { site } = entity;
      return {
        name: site.name,
        nameExtra: (
          <>
            <span className={`badge badge-${site.role}`}>{SITE_ROLE_LABEL[site.role]}</span>
            <span className="name-extra muted">{site.location}</span>
          </>
        ),
        columns: (
          <span className="cell cell-span muted num">
            {plural(entity.clusterCount, 'cluster')} · {plural(entity.hostCount, 'host')} · {plural(entity.vmCount, 'VM record')}
          </span>
        ),
        label: `${site.name}, ${SITE_ROLE_LABEL[site.role]} site, ${site.location}, ${plural(entity.clusterCount, 'cluster')}, ${plural(entity.hostCount, 'host')}`,
      };
    }
    case 'cluster': {
      const { cluster, totals } = entity;
      const t = totals;
      const cpu = t && t.logicalProcessors > 0 ? t.busyCores / t.logicalProcessors : 0;
      return {
        name: cluster.name,
        nameExtra: cluster.replicaBroker ? <span className="name-extra muted" title="Hyper-V Replica Broker">Broker {cluster.replicaBroker}</span> : null,
        columns: (
          <>
            <span className="cell cell-state muted num">{plural(t?.hostCount ?? 0, 'host')}</span>
            <span className="cell cell-cpu"><Meter fraction={cpu} text={`${Math.round(cpu * 100)}%`} label="Cluster CPU" /></span>
            <span className="cell cell-mem">
              <Meter fraction={t && t.memoryUsableBytes > 0 ? t.memoryAssignedBytes / t.memoryUsableBytes : 0} text={t ? formatBytesPair(t.memoryAssignedBytes, t.memoryUsableBytes) : '—'} label="Cluster memory assigned of usable" />
            </span>
            <span className="cell cell-vms num">{t ? `${t.runningVmCount} / ${t.vmCount}` : '—'}<span className="muted"> VMs</span></span>
            {entity.headroom ? <HeadroomCell headroom={entity.headroom} /> : null}
          </>
        ),
        label: `${cluster.name}, cluster, ${plural(t?.hostCount ?? 0, 'host')}, ${t?.runningVmCount ?? 0} of ${t?.vmCount ?? 0} VMs running${entity.headroom ? `, ${headroomSentence(entity.headroom)}` : ''}`,
      };
    }
    case 'host': {
      const { host } = entity;
      const usable = hostUsableMemory(host);
      return {
        name: host.name,
        columns: (
          <>
            <span className="cell cell-state"><StatusGlyph tone={NODE_STATE_TONE[host.state]} />{host.state}</span>
            <span className="cell cell-cpu"><Meter fraction={host.cpuUsagePct / 100} text={`${Math.round(host.cpuUsagePct)}%`} label="CPU" /></span>
            <span className="cell cell-mem">
              <Meter fraction={usable > 0 ? host.memoryAssignedBytes / usable : 0} text={formatBytesPair(host.memoryAssignedBytes, usable)} label="Memory assigned of usable" />
            </span>
            <span className="cell cell-vms num">{host.runningVmCount} / {host.vmCount}<span className="muted"> running</span></span>
            <span className="cell cell-tier" />
            <HealthTallyCell tally={entity.health} hostState={host.state} />
            <span className="cell cell-pair" title={entity.pair ? `Partner copies: ${entity.pair}` : undefined}>{entity.pair}</span>
          </>
        ),
        label: `${host.name}, host, ${host.state}, CPU ${Math.round(host.cpuUsagePct)}%, memory ${formatBytesPair(host.memoryAssignedBytes, usable)}, ${host.runningVmCount} of ${host.vmCount} VMs running, replication ${tallySentence(entity.health)}${entity.pair ? `, copies ${hostPairWords(entity.pair)}` : ''}`,
      };
    }
    case 'vm': {
      const { vm } = entity;
      const repl = replicationSummary(vm.replication);
      const { pair } = entity;
      return {
        name: <Highlight text={vm.name} query={query} />,
        quiet: !vmIsActive(vm),
        columns: (
          <>
            <span className="cell cell-state"><span className={`vm-state vm-state-${vm.state}`} aria-hidden="true" />{vmStateLabel(vm.state)}</span>
            <span className="cell cell-cpu num">{vm.cpuCount} vCPU</span>
            <span className="cell cell-mem num">{formatBytes(vm.memoryBytes)}</span>
            <span className="cell cell-vms" title={`Heartbeat: ${HEARTBEAT_LABEL[vm.heartbeat]}`}>
              <StatusGlyph tone={HEARTBEAT_TONE[vm.heartbeat]} />{HEARTBEAT_LABEL[vm.heartbeat]}
            </span>
            <span className="cell cell-tier num">{tierLabel(vm)}</span>
            <span className={`cell cell-repl tone-${repl.tone}`} title={`Replication health: ${repl.health}`}>
              <StatusGlyph tone={repl.tone} />{vm.replication ? repl.health : <span className="muted">—</span>}
            </span>
            <span className="cell cell-pair" title={pair ? `${repl.mode} copy; ${pairWords(pair)}` : repl.mode}>
              <span className={pair ? 'pair-mode muted' : 'muted'}>{repl.mode}</span>
              {pair?.from ? <span className="pair-text">{pair.from}</span> : null}
              {/* A replica's own partner is its primary; its extended copy gives way first when narrow. */}
              {pair?.to ? <span className={`pair-text${pair.from ? ' pair-secondary' : ''}`}>{pair.to}</span> : null}
            </span>
            <span className="cell cell-workload muted">{vm.workload}</span>
          </>
        ),
        label: `${vm.name}, VM, ${vmStateLabel(vm.state)}, ${repl.mode}${pair ? ` ${pairWords(pair)}` : ''}, replication ${repl.health}, heartbeat ${HEARTBEAT_LABEL[vm.heartbeat]}`,
      };
    }
  }
}

/** "2 ⚠ 1 ✖" drawn with the same glyphs as the replication view: counts of the core's values, no new verdict. */
function HealthTallyCell({ tally, hostState }: { tally: HealthTally | undefined; hostState: Host['state'] }) {
  const headline = hostHealthHeadline(hostState, tally);
  if (headline && headline.tone !== 'ok') {
    return <span className={`cell cell-repl health-tally tone-${headline.tone}`} title={`Last reported before the node went ${hostState.toLowerCase()}: ${tallySentence(tally)}`}><span className={`tally tone-${headline.tone}`}><StatusGlyph tone={headline.tone} />{headline.text}</span></span>;
  }
  if (!tally || tally.worst === null) return <span className="cell cell-repl muted"><StatusGlyph tone="none" />No replication</span>;
  const worstTone: Tone = HEALTH_TONE[tally.worst];
  return (
    <span className={`cell cell-repl health-tally tone-${worstTone}`} title={`Replication health of the VMs on this host: ${tallySentence(tally)}`}>
      {tally.critical > 0 ? <span className="tally tone-crit"><StatusGlyph tone="crit" />{tally.critical}</span> : null}
      {tally.warning > 0 ? <span className="tally tone-warn"><StatusGlyph tone="warn" />{tally.warning}</span> : null}
      {headline ? <span className="tally tone-ok"><StatusGlyph tone="ok" />{headline.text}</span> : null}
      {tally.worst !== 'Normal' && tally.normal > 0 ? <span className="tally-rest muted">{tally.normal} normal</span> : null}
    </span>
  );
}

function tallySentence(tally: HealthTally | undefined): string {
  if (!tally || tally.worst === null) return 'not configured';
  if (tally.worst === 'Normal') return `all ${tally.normal} normal`;
  return [tally.critical > 0 ? `${tally.critical} critical` : '', tally.warning > 0 ? `${tally.warning} warning` : '', tally.normal > 0 ? `${tally.normal} normal` : ''].filter(Boolean).join(', ');
}

const GiB = 1024 ** 3;

/** Memory the replicas here would need if they were all started, against what the hosts can give. */
function HeadroomCell({ headroom }: { headroom: ReplicaHeadroom }) {
  const { replicaMemoryBytes: need, usableBytes: have } = headroom;
  const short = need - have;
  return (
    <span className={`cell cell-headroom${short > 0 ? ' is-short' : ''}`} title={`If all ${headroom.replicaCount.toLocaleString()} replicas here were started: ${formatBytesPair(need, have)} of usable memory; ${short > 0 ? `short by ${gibUp(short)}` : `fits with ${gibDown(-short)} to spare`}`}>
      <span className="headroom-label muted">All replicas started</span>
      <Meter fraction={have > 0 ? need / have : need > 0 ? 2 : 0} text={formatBytesPair(need, have)} label="Replica memory if started, of usable" />
      {short > 0
        ? <span className="headroom-verdict tone-crit"><b>short by {gibUp(short)}</b></span>
        : <span className="headroom-verdict">fits<span className="muted"> · {gibDown(-short)} spare</span></span>}
    </span>
  );
}

function headroomSentence(h: ReplicaHeadroom): string {
  const short = h.replicaMemoryBytes - h.usableBytes;
  return `if all ${h.replicaCount} replicas started: ${formatBytesPair(h.replicaMemoryBytes, h.usableBytes)} memory, ${short > 0 ? `short by ${gibUp(short)}` : `fits, ${gibDown(-short)} spare`}`;
}

// Rounded against the operator: a shortfall up, spare memory down.
function gibUp(bytes: number): string {
  return `${Math.ceil(bytes / GiB).toLocaleString()} GiB`;
}
function gibDown(bytes: number): string {
  return `${Math.floor(bytes / GiB).toLocaleString()} GiB`;
}

function pairWords(pair: VmPair): string {
  return [pair.from.replace('← ', 'from '), pair.to.replace('→ ', 'to ')].filter(Boolean).join(', ');
}

function hostPairWords(pair: string): string {
  return pair.replace('← ', 'from ').replace('→ ', 'to ').replace(/ \+(\d+)$/, (_, n: string) => ` and ${n} other host${n === '1' ? '' : 's'}`);
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;
}
