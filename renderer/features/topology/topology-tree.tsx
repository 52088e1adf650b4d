import { useCallback, type KeyboardEvent } from 'react';
import type { ClusterTotals, CopyLinks, EstateTables, ReplicationOverlay, TopologyIndex } from './topology-index.ts';
import { treeKeyAction, type TreeRow as Row } from './flatten-tree.ts';
import { TreeRow, type RowEntity, type VmPair } from './tree-row.tsx';
import { useTopologyUi } from './topology-ui-store.ts';
import { useRovingVirtualList } from '../../ui/use-roving-virtual-list.ts';

interface Props {
  rows: Row[];
  index: TopologyIndex;
  totals: Map<string, ClusterTotals>;
  overlay: ReplicationOverlay;
  tables: EstateTables;
  query: string;
  /** Set by the search box: focus this row once it is rendered. */
  focusRequest: { key: string; at: number } | null;
}

const ROW_REM = 1.875;

/**
 * The visible rows, virtualized: only the ~40 rows on screen are in the DOM however large the
 * estate, so aria-level/posinset/setsize carry the structure for assistive technology.
 */
export function TopologyTree({ rows, index, totals, overlay, tables, query, focusRequest }: Props) {
  const selectedKey = useTopologyUi((s) => s.selectedKey);
  const focusedKey = useTopologyUi((s) => s.focusedKey);
  const { toggle, select, focus } = useTopologyUi.getState();
  const { scrollRef, rowPx, positions, tabStopKey, virtualizer, moveFocus } = useRovingVirtualList({
    items: rows, focusedKey, focus, rowRem: ROW_REM, overscan: 16, keyAttribute: 'data-key', focusRequest,
  });

  const onToggle = useCallback((row: Row) => {
    if (row.expanded !== null) toggle(row.key, !row.expanded);
  }, [toggle]);

  const onActivate = useCallback((row: Row) => {
    focus(row.key);
    if (row.kind === 'site' || row.kind === 'cluster') onToggle(row);
    else select(row.key);
  }, [focus, select, onToggle]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const action = treeKeyAction(rows, tabStopKey, event.key);
    if (!action) return;
    event.preventDefault();
    const row = rows[positions.get(action.key) ?? -1];
    switch (action.type) {
      case 'focus': moveFocus(action.key); break;
      case 'expand': toggle(action.key, true); break;
      case 'collapse': toggle(action.key, false); break;
      case 'activate':
        if (!row) break;
        if (row.kind === 'host' || row.kind === 'vm') select(row.key);
        else onToggle(row);
        break;
    }
  };

  const items = virtualizer.getVirtualItems();
  return (
    <div
      ref={scrollRef}
      className="topology-tree"
      id="topology-tree"
      role="tree"
      aria-label="Estate topology: sites, clusters, hosts and VMs"
      data-testid="topology-tree"
      onKeyDown={onKeyDown}
    >
      <div className="tree-header" aria-hidden="true">
        <span className="cell cell-name">Name</span>
        <span className="cell cell-state">State</span>
        <span className="cell cell-cpu">CPU</span>
        <span className="cell cell-mem">Memory</span>
        <span className="cell cell-vms">VMs · Heartbeat</span>
        <span className="cell cell-tier">Tier</span>
        <span className="cell cell-repl">Health</span>
        <span className="cell cell-pair">Copy · partner</span>
        <span className="cell cell-workload">Workload</span>
      </div>
      <div className="tree-body" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          const entity = entityOf(row, index, totals, overlay, tables);
          if (!entity) return null;
          return (
            <TreeRow
              key={row.key}
              row={row}
              entity={entity}
              selected={row.key === selectedKey}
              tabStop={row.key === tabStopKey}
              query={row.kind === 'vm' ? query : ''}
              top={item.start - virtualizer.options.scrollMargin}
              height={rowPx}
              onToggle={onToggle}
              onActivate={onActivate}
            />
          );
        })}
      </div>
    </div>
  );
}

// Rows are memoised on their entity: wrappers are cached per host/VM object (new only when a patch
// touched it, or when its overlay entry - health tally, pair, headroom - changed identity) and per
// totals map for sites and clusters, so a clock tick re-renders no row at all.
const leafEntities = new WeakMap<object, RowEntity>();
const groupEntities = new WeakMap<Map<string, ClusterTotals>, Map<string, RowEntity>>();
const hostPairTexts = new WeakMap<EstateTables['vms'], Map<string, string>>();

function entityOf(row: Row, index: TopologyIndex, totals: Map<string, ClusterTotals>, overlay: ReplicationOverlay, tables: EstateTables): RowEntity | null {
  if (row.kind === 'host') {
    const host = tables.hosts[row.id];
    if (!host) return null;
    const health = overlay.hostHealth(row.id, tables);
    const pair = hostPairText(overlay, tables, row.id);
    const cached = leafEntities.get(host);
    if (cached?.kind === 'host' && cached.health === health && cached.pair === pair) return cached;
    const entity: RowEntity = { kind: 'host', host, health, pair };
    leafEntities.set(host, entity);
    return entity;
  }
  if (row.kind === 'vm') {
    const vm = tables.vms[row.id];
    if (!vm) return null;
    const links = overlay.copyLinks(row.id, tables) ?? undefined;
    const cached = leafEntities.get(vm);
    if (cached?.kind === 'vm' && cached.links === links) return cached;
    const entity: RowEntity = { kind: 'vm', vm, links, pair: vmPairText(links, tables) };
    leafEntities.set(vm, entity);
    return entity;
  }
  let cache = groupEntities.get(totals);
  if (!cache) groupEntities.set(totals, (cache = new Map()));
  const cached = cache.get(row.key);
  if (cached && (cached.kind !== 'cluster' || cached.headroom === headroomOf(overlay, tables, row.id))) return cached;
  let entity: RowEntity | null = null;
  if (row.kind === 'site') {
    const site = tables.sites[row.id];
    if (site) {
      const clusters = index.clustersBySite.get(site.id) ?? [];
      let hostCount = 0;
      let vmCount = 0;
      for (const c of clusters) {
        const t = totals.get(c.id);
        hostCount += t?.hostCount ?? 0;
        vmCount += t?.vmCount ?? 0;
      }
      entity = { kind: 'site', site, clusterCount: clusters.length, hostCount, vmCount };
    }
  } else {
    const cluster = tables.clusters[row.id];
    // Headroom answers "could this site run what it protects?": shown where replicas land, not at the primary site.
    if (cluster) entity = { kind: 'cluster', cluster, totals: totals.get(row.id), headroom: headroomOf(overlay, tables, row.id) };
  }
  if (entity) cache.set(row.key, entity);
  return entity;
}

const headroomOf = (overlay: ReplicationOverlay, tables: EstateTables, clusterId: string) => {
  const site = tables.sites[tables.clusters[clusterId]?.siteId ?? ''];
  return site?.role === 'primary' ? undefined : overlay.headroom(clusterId, tables) ?? undefined;
};

const hostName = (tables: EstateTables, id: string) => tables.hosts[id]?.name ?? id;

/** "→ DRHV-105" for a primary, "← HV-A03" for a replica (and "→ CLDHV-106" after it when extended). */
function vmPairText(links: CopyLinks | undefined, tables: EstateTables): VmPair | undefined {
  if (!links) return undefined;
  const from = links.fromHostIds.length > 0 ? links.fromHostIds.map((id) => hostName(tables, id)).join(', ') : links.fromFallback;
  const to = links.toHostIds.length > 0 ? links.toHostIds.map((id) => hostName(tables, id)).join(', ') : links.toFallback;
  if (!from && !to) return undefined;
  return { from: from ? `← ${from}` : '', to: to ? `→ ${to}` : '' };
}

/** "→ DRHV-105 +2": the host holding most partner copies of this host's VMs, and how many others. */
function hostPairText(overlay: ReplicationOverlay, tables: EstateTables, hostId: string): string {
  let cache = hostPairTexts.get(tables.vms);
  if (!cache) hostPairTexts.set(tables.vms, (cache = new Map()));
  let text = cache.get(hostId);
  if (text === undefined) {
    // A primary-site host points to where its replicas are; a DR or cloud host to where its copies come from.
    const first: 'to' | 'from' = tables.sites[tables.hosts[hostId]?.siteId ?? '']?.role === 'primary' ? 'to' : 'from';
    let direction = first;
    let list = overlay.partnerHosts(hostId, direction, tables);
    if (list.length === 0) {
      direction = first === 'to' ? 'from' : 'to';
      list = overlay.partnerHosts(hostId, direction, tables);
    }
    const arrow = direction === 'to' ? '→' : '←';
    text = list[0] ? `${arrow} ${hostName(tables, list[0].hostId)}${list.length > 1 ? ` +${list.length - 1}` : ''}` : '';
    cache.set(hostId, text);
  }
  return text;
}
