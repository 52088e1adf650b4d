import { lazy, Suspense } from 'react';
import { useAppliedTheme } from './use-applied-theme.ts';
import { useUi, type ViewId } from '../platform/ui-store.ts';
import { TopBar } from './top-bar.tsx';
import { StatusBar } from './status-bar.tsx';
import { EstateGate } from './estate-gate.tsx';
import { TopologyView } from '../features/topology/topology-view.tsx';
import { ReplicationView } from '../features/replication/replication-view.tsx';
import { OverlayLayer } from './overlay-layer.tsx';
import './app-frame.css';

// Loaded when first opened: the views a console opens on (topology, replication) should not wait
// for the browser to compile the failover wizard, the migration planner and their charts.
const FailoverView = lazy(() => import('../features/recovery/failover-view.tsx').then((m) => ({ default: m.FailoverView })));
const ConnectionsView = lazy(() => import('../features/connections/connections-view.tsx').then((m) => ({ default: m.ConnectionsView })));
const MigrationsView = lazy(() => import('../features/migrations/migrations-view.tsx').then((m) => ({ default: m.MigrationsView })));

export function App() {
  useAppliedTheme();
  const view = useUi((s) => s.view);
  return (
    <div className="app-frame">
      <TopBar />
      <main className="app-main" id="main">
        <EstateGate>
          <Suspense fallback={<p className="muted view-loading">Loading…</p>}>
            <CurrentView view={view} />
          </Suspense>
        </EstateGate>
      </main>
      <StatusBar />
      <OverlayLayer />
    </div>
  );
}

function CurrentView({ view }: { view: ViewId }) {
  if (view === 'topology') return <TopologyView />;
  if (view === 'replication') return <ReplicationView />;
  if (view === 'migrations') return <MigrationsView />;
  if (view === 'failover') return <FailoverView />;
  if (view === 'drills') return <FailoverView drills key="drills" />;
  return <ConnectionsView />;
}
