import { memo, type ReactNode } from 'react';
import type { Cluster, Host, Site, Vm } from '../../../shared/model/estate.ts';
import { formatBytes, formatBytesPair } from '../../../shared/format/bytes.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { Meter } from '../../ui/meter.tsx';
import {
  HEARTBEAT_LABEL, HEARTBEAT_TONE, NODE_STATE_TONE, SITE_ROLE_LABEL, replicationSummary, tierLabel, vmIsActive, vmStateLabel,
} from '../../ui/hyperv-labels.ts';
import { EntityIcon } from './entity-icon.tsx';
import { Highlight } from './highlight.tsx';
import { hostUsableMemory, type ClusterTotals } from './topology-index.ts';
import type { TreeRow as Row } from './flatten-tree.ts';

export type RowEntity =
  | { kind: 'site'; site: Site; clusterCount: number; hostCount: number; vmCount: number }
  | { kind: 'cluster'; cluster: Cluster; totals: ClusterTotals | undefined }
  | { kind: 'host'; host: Host }
  | { kind: 'vm'; vm: Vm };

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
          </>
        ),
        label: `${cluster.name}, cluster, ${plural(t?.hostCount ?? 0, 'host')}, ${t?.runningVmCount ?? 0} of ${t?.vmCount ?? 0} VMs running`,
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
          </>
        ),
        label: `${host.name}, host, ${host.state}, CPU ${Math.round(host.cpuUsagePct)}%, memory ${formatBytesPair(host.memoryAssignedBytes, usable)}, ${host.runningVmCount} of ${host.vmCount} VMs running`,
      };
    }
    case 'vm': {
      const { vm } = entity;
      const repl = replicationSummary(vm.replication);
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
            <span className="cell cell-repl" title={`Replication health: ${repl.health}`}>
              <StatusGlyph tone={repl.tone} label={repl.health} />{repl.mode}
            </span>
            <span className="cell cell-workload muted">{vm.workload}</span>
          </>
        ),
        label: `${vm.name}, VM, ${vmStateLabel(vm.state)}, ${repl.mode}, replication ${repl.health}, heartbeat ${HEARTBEAT_LABEL[vm.heartbeat]}`,
      };
    }
  }
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;
}
