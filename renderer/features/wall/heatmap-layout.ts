/**
 * The largest square cell that shows every protected VM in the heatmap panel without scrolling.
 * Each site has a header line; each cluster is one block: its name on the left, its cells in rows
 * to the right. Pure, so the fit is tested at the wall's real sizes.
 */
export interface HeatmapBox {
  width: number;
  height: number;
  /** Cells per cluster, per site. */
  sites: readonly (readonly number[])[];
  /** Width taken by the cluster names on the left. */
  labelWidth: number;
  /** Height of a site header, and the least height a cluster block takes (one line of its name). */
  siteHeader: number;
  lineHeight: number;
  /** Between cells, and between cluster blocks. */
  gap: number;
  clusterGap: number;
}

export interface HeatmapFit {
  cell: number;
  columns: number;
}

/** Height the heatmap takes with cells of `cell` px, or Infinity when not even one column fits. */
export function heatmapHeight(box: HeatmapBox, cell: number): number {
  const columns = Math.floor((box.width - box.labelWidth + box.gap) / (cell + box.gap));
  if (columns < 1) return Infinity;
  let height = 0;
  for (const clusters of box.sites) {
    height += box.siteHeader;
    for (const count of clusters) {
      const rows = Math.ceil(count / columns);
      height += Math.max(box.lineHeight, rows * (cell + box.gap) - box.gap) + box.clusterGap;
    }
  }
  return height;
}

/** The biggest whole-pixel cell (at least `min`) for which everything fits; `min` when nothing does. */
export function fitHeatmap(box: HeatmapBox, min = 4, max = 240): HeatmapFit {
  let lo = min;
  let hi = max;
  if (heatmapHeight(box, lo) > box.height) return { cell: min, columns: columnsFor(box, min) };
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (heatmapHeight(box, mid) <= box.height) lo = mid;
    else hi = mid - 1;
  }
  return { cell: lo, columns: columnsFor(box, lo) };
}

function columnsFor(box: HeatmapBox, cell: number): number {
  return Math.max(1, Math.floor((box.width - box.labelWidth + box.gap) / (cell + box.gap)));
}
