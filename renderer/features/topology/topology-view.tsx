import { useDeferredValue, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useEstate } from '../../platform/services-context.tsx';
import { useUi } from '../../platform/ui-store.ts';
import { SearchField } from '../../ui/search-field.tsx';
import type { EstateTables } from './topology-index.ts';
import { ReplicationOverlay, buildTopologyIndex, clusterTotalsOf, layoutVms, matchVms } from './topology-index.ts';
import { flattenTree } from './flatten-tree.ts';
import { useTopologyUi } from './topology-ui-store.ts';
import { TopologyTree } from './topology-tree.tsx';
import { DetailPanel } from './detail-panel.tsx';
import './topology.css';

export function TopologyView() {
  const sites = useEstate((s) => s.snapshot?.sites);
  const clusters = useEstate((s) => s.snapshot?.clusters);
  const hosts = useEstate((s) => s.snapshot?.hosts);
  const vms = useEstate((s) => s.snapshot?.vms);
  const siteFilter = useUi((s) => s.siteId);
  const query = useTopologyUi((s) => s.query);
  const expansion = useTopologyUi((s) => s.expansion);
  const selectedKey = useTopologyUi((s) => s.selectedKey);
  const { setQuery, expandAll, collapseAll, select } = useTopologyUi.getState();
  const searchRef = useRef<HTMLInputElement>(null);
  const [focusRequest, setFocusRequest] = useState<{ key: string; at: number } | null>(null);

  // Typing stays responsive on 10,000 VMs: the input updates at once, the tree follows when it can.
  const deferredQuery = useDeferredValue(query);
  const tables = useMemo<EstateTables | null>(
    () => (sites && clusters && hosts && vms ? { sites, clusters, hosts, vms } : null),
    [sites, clusters, hosts, vms],
  );
  const structureVersion = useEstate((s) => s.structureVersion);
  // Keyed on structureVersion, not on the VM table: the layout holds ids and names only, so it
  // needs rebuilding when VMs are added, removed, renamed or moved, not when they change state.
  const vmLayout = useMemo(() => (vms ? layoutVms(vms) : null), [structureVersion, vms === undefined]);
  const index = useMemo(
    () => (sites && clusters && hosts && vmLayout ? buildTopologyIndex({ sites, clusters, hosts }, vmLayout) : null),
    // Same reasoning: order and membership only, so host usage ticks do not re-flatten the tree.
    [structureVersion, vmLayout, sites === undefined],
  );
  const totals = useMemo(() => (index && hosts ? clusterTotalsOf(index, hosts) : null), [index, hosts]);
  // Health tallies, pairs and DR headroom: asked for by the visible rows only and kept per index.
  const overlay = useMemo(() => (index ? new ReplicationOverlay(index) : null), [index]);
  const matches = useMemo(() => (vmLayout ? matchVms(vmLayout, deferredQuery) : null), [vmLayout, deferredQuery]);
  const siteId = siteFilter !== null && sites?.[siteFilter] ? siteFilter : null;
  const rows = useMemo(
    () => (index ? flattenTree(index, { expansion, siteId, matches }) : []),
    [index, expansion, siteId, matches],
  );
  const matchCount = useMemo(() => {
    if (!matches) return 0;
    return rows.reduce((n, r) => n + (r.kind === 'vm' ? 1 : 0), 0);
  }, [rows, matches]);

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Escape') {
      if (query !== '') { event.preventDefault(); setQuery(''); }
      else searchRef.current?.blur();
      return;
    }
    if (event.key === 'Enter' || event.key === 'ArrowDown') {
      const first = rows.find((r) => (matches ? r.kind === 'vm' : true));
      if (!first) return;
      event.preventDefault();
      if (event.key === 'Enter' && first.kind === 'vm') select(first.key);
      setFocusRequest({ key: first.key, at: Date.now() });
    }
  };

  if (!index || !tables || !totals || !overlay) return null;
  const searching = matches !== null;
  return (
    <div className={`topology-view${selectedKey ? ' has-detail' : ''}`} data-testid="view-topology">
      <div className="topology-toolbar" role="toolbar" aria-label="Topology">
        <SearchField
          inputRef={searchRef}
          hint="Ctrl K"
          data-testid="topology-search"
          aria-label="Find VMs by name"
          aria-controls="topology-tree"
          placeholder="Find VM by name"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onSearchKey}
        />
        <span className="search-result" role="status" aria-live="polite">
          {searching ? (matchCount === 0 ? `No VM name contains “${deferredQuery.trim()}”` : `${matchCount.toLocaleString()} matching VM${matchCount === 1 ? '' : 's'}`) : ''}
        </span>
        <div className="toolbar-end">
          <button type="button" onClick={expandAll} disabled={searching} title="Open every site, cluster and host">Expand all</button>
          <button type="button" onClick={collapseAll} disabled={searching} title="Show sites only">Collapse all</button>
        </div>
      </div>
      <div className="topology-body">
        <TopologyTree rows={rows} totals={totals} overlay={overlay} index={index} tables={tables} query={deferredQuery} focusRequest={focusRequest} />
        {selectedKey ? <DetailPanel selectedKey={selectedKey} index={index} overlay={overlay} tables={tables} onClose={() => select(null)} onSelect={(key) => { select(key); setFocusRequest({ key, at: Date.now() }); }} /> : null}
      </div>
    </div>
  );
}
