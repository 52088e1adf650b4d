import { memo, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { useEstate } from '../../platform/services-context.tsx';
import type { Vm } from '../../../shared/model/estate.ts';
import { CELL_LABEL, CELL_STATUSES, cellStatus, groupHeatmap, tallyStatuses, type CellStatus, type HeatCluster, type HeatSite } from './heatmap-model.ts';
import { fitHeatmap, type HeatmapFit } from './heatmap-layout.ts';

/** The text cue in a cell, so the heatmap reads without colour (warning is striped, not-replicating hollow). */
const CELL_MARK: Record<CellStatus, string> = { critical: '×', breach: '!', warning: '', idle: '', ok: '' };

export function HeatmapPanel() {
  const structure = useEstate((s) => s.structureVersion);
  const vms = useEstate((s) => s.snapshot?.vms);
  const estate = useEstate((s) => s.snapshot);
  // Rebuilt when entities come, go or move, not on every status change
  const sites = useMemo(() => (estate ? groupHeatmap(estate) : []), [structure, estate !== null]);
  const tally = useMemo(() => (vms ? tallyStatuses(sites, vms) : null), [sites, vms]);
  const total = tally ? CELL_STATUSES.reduce((n, s) => n + tally[s], 0) : 0;
  const { ref, fit } = useHeatmapFit(sites);

  return (
    <section className="wall-panel wall-heat" aria-label="Estate heatmap" data-testid="wall-heatmap">
      <header className="wall-panel-head">
        <h2>Estate <span className="muted">· {total.toLocaleString('en-US')} protected VMs</span></h2>
        <ul className="heat-legend" aria-label="Legend">
          {tally && CELL_STATUSES.map((status) => (
            <li key={status} data-testid={`heat-count-${status}`} data-count={tally[status]} className={tally[status] === 0 && status !== 'ok' ? 'is-zero' : undefined}>
              <span className={`heat-cell is-${status}`} aria-hidden="true">{CELL_MARK[status]}</span>
              <b className="num">{tally[status].toLocaleString('en-US')}</b> {CELL_LABEL[status]}
            </li>
          ))}
        </ul>
      </header>
      <div className="heat-body" ref={ref} style={{ '--cell': `${fit.cell}px` } as CSSProperties}>
        {vms && sites.map((site) => (
          <div className="heat-site" key={site.id}>
            <h3>{site.name}</h3>
            {site.clusters.map((cluster) => (
              <ClusterBlock key={cluster.id} cluster={cluster} columns={fit.columns} cells={clusterCells(cluster, vms)} />
            ))}
          </div>
        ))}
      </div>
    </section>
  );
}

/** A cluster's cells as one string (id, name and status per VM): the cluster re-renders only when it changes. */
function clusterCells(cluster: HeatCluster, vms: Record<string, Vm>): string {
  let out = '';
  for (const id of cluster.vmIds) {
    const vm = vms[id];
    if (vm) out += `${id}\u0000${vm.name}\u0000${cellStatus(vm)}\u0001`;
  }
  return out;
}

const ClusterBlock = memo(function ClusterBlock({ cluster, columns, cells }: { cluster: HeatCluster; columns: number; cells: string }) {
  return (
    <div className="heat-cluster" data-testid="heat-cluster" data-cluster={cluster.name}>
      <span className="heat-cluster-name">{cluster.name}</span>
      <div className="heat-cells" style={{ gridTemplateColumns: `repeat(${columns}, var(--cell))` }}>
        {cells.split('\u0001').map((cell) => {
          if (cell === '') return null;
          const [id, name, status] = cell.split('\u0000') as [string, string, CellStatus];
          return <HeatCell key={id} name={name} status={status} />;
        })}
      </div>
    </div>
  );
});

const HeatCell = memo(function HeatCell({ name, status }: { name: string; status: CellStatus }) {
  return <span className={`heat-cell is-${status}`} data-status={status} data-vm={name} title={`${name}: ${CELL_LABEL[status]}`}>{CELL_MARK[status]}</span>;
});

/** Measures the panel and fits the cells to it; again whenever the panel or the grouping changes. */
function useHeatmapFit(sites: readonly HeatSite[]): { ref: React.RefObject<HTMLDivElement | null>; fit: HeatmapFit } {
  const ref = useRef<HTMLDivElement | null>(null);
  const [size, setSize] = useState<{ width: number; height: number; rem: number } | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 24;
      setSize((prev) => (prev && prev.width === el.clientWidth && prev.height === el.clientHeight && prev.rem === rem ? prev : { width: el.clientWidth, height: el.clientHeight, rem }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const fit = useMemo<HeatmapFit>(() => {
    if (!size) return { cell: 16, columns: 10 };
    const { rem } = size;
    return fitHeatmap({
      width: size.width, height: size.height,
      sites: sites.map((s) => s.clusters.map((c) => c.vmIds.length)),
      // Must match wall.css: .heat-cluster-name width, .heat-site h3 and cluster line heights, gaps.
      labelWidth: 5 * rem, siteHeader: 1.5 * rem, lineHeight: 1.25 * rem,
      gap: Math.max(2, Math.round(rem / 8)), clusterGap: Math.round(rem / 3),
    });
  }, [size, sites]);
  return { ref, fit };
}
