import { useEffect, useMemo } from 'react';
import { useEstate } from '../../platform/services-context.tsx';
import { useMig, useMigrationStore } from './use-migration-store.ts';
import { OperationsPanel } from './operations-panel.tsx';
import { LanesPanel } from './lanes-panel.tsx';
import { ThroughputChart } from './throughput-chart.tsx';
import { QueueTables } from './queue-tables.tsx';
import { DrainPlanner } from './drain-planner.tsx';
import { RollingPanel } from './rolling-panel.tsx';
import './migrations.css';

export function MigrationsView() {
  const store = useMigrationStore();
  const snapshot = useEstate((s) => s.snapshot);
  const clusters = useMemo(() => (snapshot ? Object.values(snapshot.clusters).sort((a, b) => (a.name < b.name ? -1 : 1)) : []), [snapshot?.clusters]);
  const clusterId = useMig(store, (s) => s.clusterId);
  const state = useMig(store, (s) => s.state);
  const error = useMig(store, (s) => s.error);
  const actionError = useMig(store, (s) => s.actionError);

  useEffect(() => {
    if (!clusterId && clusters.length > 0) void store.selectCluster(clusters[0]!.id);
  }, [clusterId, clusters, store]);

  return (
    <section className="migrations" aria-label="Migrations" data-testid="migrations-view">
      <header className="mig-header">
        <label>
          Cluster{' '}
          <select data-testid="mig-cluster" value={clusterId ?? ''} onChange={(e) => void store.selectCluster(e.target.value)}>
            {clusters.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => void store.reload()}>Refresh</button>
        {state === 'loading' ? <span className="mig-muted">Loading…</span> : null}
        {error ? <span className="mig-error" role="alert">{error}</span> : null}
        {actionError ? <span className="mig-error" role="alert" data-testid="mig-action-error">{actionError}</span> : null}
      </header>
      <div className="mig-grid">
        <div className="mig-main">
          <OperationsPanel store={store} />
          <LanesPanel store={store} />
          <ThroughputChart store={store} />
          <QueueTables store={store} />
        </div>
        <aside className="mig-side">
          <DrainPlanner store={store} />
          <RollingPanel store={store} />
        </aside>
      </div>
    </section>
  );
}
