import { useDeferredValue, useMemo, useRef } from 'react';
import { useEstate } from '../../platform/services-context.tsx';
import { useUi } from '../../platform/ui-store.ts';
import { SearchField } from '../../ui/search-field.tsx';
import { REPLICATION_STATES } from '../../../shared/model/hyperv-enums.ts';
import { splitWords } from '../../ui/hyperv-labels.ts';
import {
  arrangeRows, buildRows, filterRows, isFiltering, layoutReplication, sortRows,
  type EstateTables, type GroupBy, type HealthFilter, type RowCache, type RowFilter,
} from './replication-rows.ts';
import { useReplicationUi } from './replication-ui-store.ts';
import { SummaryStrip } from './summary-strip.tsx';
import { CatchUpPanel } from './catch-up-panel.tsx';
import { ReplicationGrid } from './replication-grid.tsx';
import { ActionBar, RunResults } from './action-bar.tsx';
import { VmDrawer } from './vm-drawer.tsx';
import { downloadText, rowsToCsv } from './csv-export.ts';
import './replication.css';

/** Every protected VM in one grid: the screen an engineer keeps open all day. */
export function ReplicationView() {
  const sites = useEstate((s) => s.snapshot?.sites);
  const clusters = useEstate((s) => s.snapshot?.clusters);
  const hosts = useEstate((s) => s.snapshot?.hosts);
  // The estate store applies at most once a second (services.ts): at 600× every VM changes on
  // every batch, and a second throttle here only added a frame of its own out of step with it.
  // Rendered in a background pass: on a 10,000-VM estate rebuilding the rows takes tens of ms,
  // and it must neither join the apply's task nor hold up typing in the filter.
  const vms = useDeferredValue(useEstate((s) => s.snapshot?.vms));
  const now = useDeferredValue(useEstate((s) => s.snapshot?.clock.now ?? 0));
  const structureVersion = useEstate((s) => s.structureVersion);
  const siteScope = useUi((s) => s.siteId);
  const filter = useReplicationUi((s) => s.filter);
  const sort = useReplicationUi((s) => s.sort);
  const groupBy = useReplicationUi((s) => s.groupBy);
  const collapsed = useReplicationUi((s) => s.collapsed);
  const selected = useReplicationUi((s) => s.selected);
  const drawerId = useReplicationUi((s) => s.drawerId);

  // Which records are protected, and which is each one's replica: only when VMs come, go or move.
  const layout = useMemo(() => (vms ? layoutReplication(vms) : null), [structureVersion, vms === undefined]);
  // Rows reuse their object while their two records are unchanged; names and hosts live in the
  // row, so the cache is dropped when the structure changes.
  const cache = useMemo<RowCache>(() => new WeakMap(), [structureVersion]);
  const tables = useMemo<EstateTables | null>(() => (sites && clusters && hosts && vms ? { sites, clusters, hosts, vms } : null), [sites, clusters, hosts, vms]);
  const all = useMemo(() => (tables && layout ? buildRows(tables, layout, cache) : []), [tables, layout, cache]);
  // The top bar's site switcher narrows every view; the grid's own site filter narrows further.
  const scoped = useMemo(() => (siteScope && sites?.[siteScope] && sites[siteScope]!.role === 'primary' ? all.filter((r) => r.siteId === siteScope) : all), [all, siteScope, sites]);
  // Sorted before filtering (a filter keeps the order): typing re-filters, it never re-sorts.
  const sortedAll = useMemo(() => sortRows(scoped, sort), [scoped, sort]);
  // Typing filters in the urgent render: on 10,000 rows the filter is a few ms, and deferring it
  // made React filter twice per keystroke (the old text with the new filter object, then the new).
  const sorted = useMemo(() => filterRows(sortedAll, filter), [sortedAll, filter]);
  const filtered = sorted;
  const items = useMemo(() => arrangeRows(sorted, groupBy, collapsed), [sorted, groupBy, collapsed]);
  // One lookup while the drawer is open, not a 10,000-entry index rebuilt every second.
  const drawerRow = useMemo(() => (drawerId ? all.find((r) => r.id === drawerId) : undefined), [all, drawerId]);
  const selectedRows = useMemo(() => sorted.filter((r) => selected.has(r.id)), [sorted, selected]);
  const hiddenSelected = selected.size - selectedRows.length;

  if (!tables) return null;
  return (
    <div className={`replication-view${drawerId ? ' has-drawer' : ''}`} data-testid="view-replication">
      <SummaryStrip />
      <CatchUpPanel />
      <Toolbar tables={tables} shown={filtered.length} total={scoped.length} onExport={() => {
        const stamp = new Date(now).toISOString().slice(0, 16).replace(/[:T]/g, '-');
        downloadText(rowsToCsv(sorted, now), `standby-replication-${stamp}.csv`);
      }} />
      <ActionBar selectedRows={selectedRows} />
      {hiddenSelected > 0 ? <p className="hidden-selected muted">{hiddenSelected} selected VM{hiddenSelected === 1 ? ' is' : 's are'} hidden by the filter and will not be acted on.</p> : null}
      <RunResults />
      <div className="replication-body">
        <ReplicationGrid items={items} rows={sorted} now={now} />
        <VmDrawer row={drawerRow} now={now} />
      </div>
    </div>
  );
}

const HEALTH_OPTIONS: Array<[HealthFilter, string]> = [
  ['all', 'Any health'], ['attention', 'Warning or critical'], ['Critical', 'Critical'], ['Warning', 'Warning'],
  ['Normal', 'Normal'], ['NotApplicable', 'Not applicable'], ['rpo-missed', 'RPO missed'],
];

function Toolbar({ tables, shown, total, onExport }: { tables: EstateTables; shown: number; total: number; onExport(): void }) {
  const filter = useReplicationUi((s) => s.filter);
  const groupBy = useReplicationUi((s) => s.groupBy);
  const { setFilter, clearFilter, setGroupBy } = useReplicationUi.getState();
  const searchRef = useRef<HTMLInputElement>(null);
  const primarySites = useMemo(() => Object.values(tables.sites).filter((s) => s.role === 'primary'), [tables.sites]);
  const clusterOptions = useMemo(() => Object.values(tables.clusters)
    .filter((c) => (filter.siteId ? c.siteId === filter.siteId : primarySites.some((s) => s.id === c.siteId)))
    .sort((a, b) => a.name.localeCompare(b.name)), [tables.clusters, filter.siteId, primarySites]);

  const filtering = isFiltering(filter);
  return (
    <div className="repl-toolbar" role="toolbar" aria-label="Filter, group and export">
      <SearchField
        inputRef={searchRef}
        fieldClassName="repl-search"
        data-testid="replication-search"
        aria-label="Filter VMs by name or host"
        placeholder="Filter by VM or host name"
        value={filter.text}
        onChange={(e) => setFilter({ text: e.target.value })}
        onKeyDown={(e) => { if (e.key === 'Escape' && filter.text) { e.preventDefault(); setFilter({ text: '' }); } }}
      />
      <label className="tb-field"><span className="visually-hidden">Health</span>
        <select value={filter.health} onChange={(e) => setFilter({ health: e.target.value as HealthFilter })} data-testid="filter-health" aria-label="Health">
          {HEALTH_OPTIONS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </select>
      </label>
      {primarySites.length > 1 ? (
        <label className="tb-field"><span className="visually-hidden">Site</span>
          <select value={filter.siteId} onChange={(e) => setFilter({ siteId: e.target.value, clusterId: '' })} aria-label="Site" data-testid="filter-site">
            <option value="">Any site</option>
            {primarySites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
      ) : null}
      <label className="tb-field"><span className="visually-hidden">Cluster</span>
        <select value={filter.clusterId} onChange={(e) => setFilter({ clusterId: e.target.value })} aria-label="Cluster" data-testid="filter-cluster">
          <option value="">Any cluster</option>
          {clusterOptions.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
      </label>
      <label className="tb-field"><span className="visually-hidden">Tier</span>
        <select value={filter.tier} onChange={(e) => setFilter({ tier: e.target.value as RowFilter['tier'] })} aria-label="Tier" data-testid="filter-tier">
          <option value="all">Any tier</option>
          <option value="0">Tier 0</option>
          <option value="1">Tier 1</option>
          <option value="2">Tier 2</option>
        </select>
      </label>
      <label className="tb-field"><span className="visually-hidden">Replication state</span>
        <select value={filter.state} onChange={(e) => setFilter({ state: e.target.value })} aria-label="Replication state" data-testid="filter-state">
          <option value="">Any state</option>
          {REPLICATION_STATES.filter((s) => s !== 'Disabled').map((s) => <option key={s} value={s}>{splitWords(s)}</option>)}
        </select>
      </label>
      {filtering ? <button type="button" onClick={clearFilter} data-testid="filter-clear">Clear filters</button> : null}
      <span className="search-result num" role="status" aria-live="polite" data-testid="replication-count">
        {filtering ? `${shown.toLocaleString()} of ${total.toLocaleString()} VMs` : `${total.toLocaleString()} VMs`}
      </span>
      <div className="toolbar-end">
        <label className="tb-field">Group{' '}
          <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)} data-testid="group-by">
            <option value="none">none</option>
            <option value="cluster">by cluster</option>
            <option value="host">by primary host</option>
          </select>
        </label>
        <button type="button" onClick={onExport} disabled={shown === 0} data-testid="export-csv" title="Download the VMs shown (current filter and sort) as CSV">Export CSV</button>
      </div>
    </div>
  );
}
