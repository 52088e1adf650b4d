import type { TopologyIndex } from './topology-index.ts';

export type NodeKind = 'site' | 'cluster' | 'host' | 'vm';

export interface TreeRow {
  /** `${kind}:${id}`, unique over the tree. */
  key: string;
  kind: NodeKind;
  id: string;
  level: 1 | 2 | 3 | 4;
  parentKey: string | null;
  /** null for leaves (VMs). */
  expanded: boolean | null;
  childCount: number;
  posInSet: number;
  setSize: number;
}

/** Which rows are open: a base rule plus the user's own toggles on top of it. */
export interface Expansion {
  base: 'default' | 'all' | 'none';
  overrides: ReadonlyMap<string, boolean>;
}

export const DEFAULT_EXPANSION: Expansion = { base: 'default', overrides: new Map() };

export function nodeKey(kind: NodeKind, id: string): string {
  return `${kind}:${id}`;
}

function isExpanded(expansion: Expansion, key: string, kind: NodeKind): boolean {
  const own = expansion.overrides.get(key);
  if (own !== undefined) return own;
  if (expansion.base === 'all') return true;
  if (expansion.base === 'none') return false;
  // Sites and clusters open, hosts closed: capacity at a glance, VMs one keystroke away.
  return kind !== 'host';
}

export interface FlattenOptions {
  expansion: Expansion;
  /** Only this site, or every site when null. */
  siteId: string | null;
  /** When searching: the matching VM ids. Everything on the path to a match is shown open. */
  matches: Set<string> | null;
}

/** The rows a person can see right now, in order; the virtualizer renders a window of them. */
export function flattenTree(index: TopologyIndex, options: FlattenOptions): TreeRow[] {
  const { expansion, siteId, matches } = options;
  const rows: TreeRow[] = [];
  const searching = matches !== null;
  const open = (key: string, kind: NodeKind) => searching || isExpanded(expansion, key, kind);

  const sites = siteId === null ? index.sites : index.sites.filter((s) => s.id === siteId);
  const visibleSites = searching ? sites.filter((s) => siteHasMatch(index, s.id, matches)) : sites;

  visibleSites.forEach((site, si) => {
    const siteKey = nodeKey('site', site.id);
    const clusters = index.clustersBySite.get(site.id) ?? [];
    const shownClusters = searching ? clusters.filter((c) => clusterHasMatch(index, c.id, matches)) : clusters;
    const siteOpen = open(siteKey, 'site');
    rows.push({ key: siteKey, kind: 'site', id: site.id, level: 1, parentKey: null, expanded: siteOpen, childCount: shownClusters.length, posInSet: si + 1, setSize: visibleSites.length });
    if (!siteOpen) return;

    shownClusters.forEach((cluster, ci) => {
      const clusterKey = nodeKey('cluster', cluster.id);
      const hosts = index.hostsByCluster.get(cluster.id) ?? [];
      const shownHosts = searching ? hosts.filter((h) => hostHasMatch(index, h.id, matches)) : hosts;
      const clusterOpen = open(clusterKey, 'cluster');
      rows.push({ key: clusterKey, kind: 'cluster', id: cluster.id, level: 2, parentKey: siteKey, expanded: clusterOpen, childCount: shownHosts.length, posInSet: ci + 1, setSize: shownClusters.length });
      if (!clusterOpen) return;

      shownHosts.forEach((host, hi) => {
        const hostKey = nodeKey('host', host.id);
        const vms = index.vms.vmsByHost.get(host.id) ?? [];
        const shownVms = searching ? vms.filter((id) => matches.has(id)) : vms;
        const hostOpen = open(hostKey, 'host');
        rows.push({ key: hostKey, kind: 'host', id: host.id, level: 3, parentKey: clusterKey, expanded: hostOpen, childCount: shownVms.length, posInSet: hi + 1, setSize: shownHosts.length });
        if (!hostOpen) return;

        shownVms.forEach((vmId, vi) => {
          rows.push({ key: nodeKey('vm', vmId), kind: 'vm', id: vmId, level: 4, parentKey: hostKey, expanded: null, childCount: 0, posInSet: vi + 1, setSize: shownVms.length });
        });
      });
    });
  });
  return rows;
}

function hostHasMatch(index: TopologyIndex, hostId: string, matches: Set<string>): boolean {
  return (index.vms.vmsByHost.get(hostId) ?? []).some((id) => matches.has(id));
}
function clusterHasMatch(index: TopologyIndex, clusterId: string, matches: Set<string>): boolean {
  return (index.hostsByCluster.get(clusterId) ?? []).some((h) => hostHasMatch(index, h.id, matches));
}
function siteHasMatch(index: TopologyIndex, siteId: string, matches: Set<string>): boolean {
  return (index.clustersBySite.get(siteId) ?? []).some((c) => clusterHasMatch(index, c.id, matches));
}

/** Where a key press moves focus in the flattened tree (WAI-ARIA tree pattern). */
export type TreeKeyAction =
  | { type: 'focus'; key: string }
  | { type: 'expand'; key: string }
  | { type: 'collapse'; key: string }
  | { type: 'activate'; key: string }
  | null;

export function treeKeyAction(rows: TreeRow[], focusedKey: string | null, keyName: string): TreeKeyAction {
  if (rows.length === 0) return null;
  const at = Math.max(0, rows.findIndex((r) => r.key === focusedKey));
  const row = rows[at]!;
  const focus = (i: number): TreeKeyAction => ({ type: 'focus', key: rows[Math.max(0, Math.min(rows.length - 1, i))]!.key });
  switch (keyName) {
    case 'ArrowDown': return focus(at + 1);
    case 'ArrowUp': return focus(at - 1);
    case 'Home': return focus(0);
    case 'End': return focus(rows.length - 1);
    case 'PageDown': return focus(at + 20);
    case 'PageUp': return focus(at - 20);
    case 'ArrowRight':
      if (row.expanded === false) return { type: 'expand', key: row.key };
      if (row.expanded === true && row.childCount > 0) return focus(at + 1);
      return null;
    case 'ArrowLeft':
      if (row.expanded === true) return { type: 'collapse', key: row.key };
      return row.parentKey ? { type: 'focus', key: row.parentKey } : null;
    case 'Enter':
    case ' ':
      return { type: 'activate', key: row.key };
    default:
      return null;
  }
}
