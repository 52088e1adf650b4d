import { memo, type MouseEvent } from 'react';
import { formatBytes } from '../../../shared/format/bytes.ts';
import { formatAgo, formatDuration } from '../../../shared/format/duration.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { HEALTH_LABEL, HEALTH_TONE, splitWords } from '../../ui/hyperv-labels.ts';
import type { GridItem, ReplicationRow } from './replication-rows.ts';

export const COLUMNS = [
  { key: 'name', label: 'Name' },
  { key: 'tier', label: 'Tier' },
  { key: 'host', label: 'Primary host' },
  { key: 'replicaHost', label: 'Replica host' },
  { key: 'state', label: 'State' },
  { key: 'health', label: 'Health' },
  { key: 'frequency', label: 'Frequency' },
  { key: 'lastReplication', label: 'Last replication' },
  { key: 'pending', label: 'Pending' },
  { key: 'rpo', label: 'RPO' },
  { key: 'extended', label: 'Extended replica' },
] as const;

interface RowProps {
  row: ReplicationRow;
  index: number;
  selected: boolean;
  focused: boolean;
  open: boolean;
  /** Estate clock, for the age of the last replication. */
  now: number;
  top: number;
  height: number;
  onRowClick(row: ReplicationRow, event: MouseEvent): void;
  onCheck(row: ReplicationRow, event: MouseEvent): void;
}

/** One protected VM. Memoised: a row object is new only when one of its two records changed. */
export const GridRow = memo(function GridRow({ row, index, selected, focused, open, now, top, height, onRowClick, onCheck }: RowProps) {
  const tone = HEALTH_TONE[row.health];
  const last = row.lastReplicationTime;
  const ext = row.extended;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      tabIndex={focused ? 0 : -1}
      data-row-id={row.id}
      data-health={row.health}
      data-testid="replication-row"
      className={`repl-row health-${tone}${selected ? ' is-selected' : ''}${open ? ' is-open' : ''}`}
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={(e) => onRowClick(row, e)}
    >
      <span role="gridcell" className="rc rc-check" onClick={(e) => { e.stopPropagation(); onCheck(row, e); }}>
        <input type="checkbox" tabIndex={-1} checked={selected} readOnly aria-label={`Select ${row.name}`} />
      </span>
      <span role="gridcell" className="rc rc-name" title={row.name}>{row.name}</span>
      <span role="gridcell" className="rc rc-tier num">T{row.tier}</span>
      <span role="gridcell" className="rc rc-host" title={`${row.hostName} · ${row.clusterName}`}>{row.hostName}</span>
      <span role="gridcell" className="rc rc-host" title={row.replicaHostName ? `${row.replicaHostName} · ${row.replicaClusterName}` : 'No replica copy in this estate'}>{row.replicaHostName || <span className="muted">—</span>}</span>
      <span role="gridcell" className={`rc rc-state state-${row.state}`}>{splitWords(row.state)}</span>
      <span role="gridcell" className={`rc rc-health tone-${tone}`}><StatusGlyph tone={tone} />{HEALTH_LABEL[row.health]}</span>
      <span role="gridcell" className="rc rc-freq num">{formatDuration(row.frequencySec)}</span>
      <span role="gridcell" className="rc rc-last num" title={last === null ? 'Initial replication not complete' : new Date(last).toISOString()}>{last === null ? 'never' : formatAgo(last, now)}</span>
      <span role="gridcell" className="rc rc-pending num">{formatBytes(row.pendingBytes)}</span>
      <span role="gridcell" className={`rc rc-rpo num${row.rpoMet === false ? ' tone-crit' : ''}`} title={rpoTitle(row, now)}>
        {row.rpoMet === null ? <span className="muted">—</span> : (
          <>
            <StatusGlyph tone={row.rpoMet ? 'ok' : 'crit'} />
            {row.rpoMet ? 'Met' : 'Missed'}
            <span className="muted"> / {formatDuration(row.rpoTargetSec ?? 0)}</span>
          </>
        )}
      </span>
      <span role="gridcell" className={`rc rc-ext tone-${ext ? HEALTH_TONE[ext.health] : 'none'}`} title={ext ? `Extended: ${splitWords(ext.state)}, ${HEALTH_LABEL[ext.health]}, every ${formatDuration(ext.frequencySec)}` : 'Not extended to the cloud site'}>
        {ext ? <><StatusGlyph tone={HEALTH_TONE[ext.health]} />{ext.state === 'Replicating' ? HEALTH_LABEL[ext.health] : splitWords(ext.state)}</> : <span className="muted">Not extended</span>}
      </span>
    </div>
  );
});

function rpoTitle(row: ReplicationRow, now: number): string {
  if (row.rpoMet === null || row.rpoTargetSec === null) return 'No RPO for this VM';
  const target = `RPO target ${formatDuration(row.rpoTargetSec)}`;
  if (!row.rpoMet) return `${target}: missed`;
  return row.rpoBreachAt !== null ? `${target}: met; breaks ${formatAgo(row.rpoBreachAt, now)} unless a cycle completes` : `${target}: met`;
}

interface GroupProps {
  item: Extract<GridItem, { type: 'group' }>;
  index: number;
  focused: boolean;
  selectedCount: number;
  top: number;
  height: number;
  onToggle(key: string): void;
  onSelectGroup(key: string): void;
}

export const GroupRow = memo(function GroupRow({ item, index, focused, selectedCount, top, height, onToggle, onSelectGroup }: GroupProps) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-expanded={!item.collapsed}
      tabIndex={focused ? 0 : -1}
      data-row-id={item.key}
      data-testid="replication-group"
      className="repl-group"
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={() => onToggle(item.key)}
    >
      <span role="gridcell" className="rc rc-check" onClick={(e) => { e.stopPropagation(); onSelectGroup(item.key); }}>
        <input type="checkbox" tabIndex={-1} checked={selectedCount > 0 && selectedCount === item.count} readOnly aria-label={`Select all in ${item.label}`} />
      </span>
      <span role="gridcell" className="rc rc-group">
        <span className={`twisty${item.collapsed ? '' : ' is-open'}`} aria-hidden="true"><svg viewBox="0 0 16 16" focusable="false"><path d="M6 4l4 4-4 4" /></svg></span>
        <b>{item.label}</b> <span className="muted">{item.sub}</span>
        <span className="group-counts num">
          {item.count} VM{item.count === 1 ? '' : 's'}
          {item.warning > 0 ? <span className="tone-warn"><StatusGlyph tone="warn" />{item.warning}</span> : null}
          {item.critical > 0 ? <span className="tone-crit"><StatusGlyph tone="crit" />{item.critical}</span> : null}
        </span>
      </span>
    </div>
  );
});
