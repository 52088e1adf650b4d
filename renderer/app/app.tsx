import { useAppliedTheme } from './use-applied-theme.ts';
import { useUi, type ViewId } from './ui-store.ts';
import { TopBar } from './top-bar.tsx';
import { StatusBar } from './status-bar.tsx';
import { NotBuiltPanel } from './not-built-panel.tsx';
import { EstateGate } from './estate-gate.tsx';
import { TopologyView } from '../features/topology/topology-view.tsx';
import { ReplicationView } from '../features/replication/replication-view.tsx';
import { FailoverView } from '../features/failover/failover-view.tsx';
import { ConnectionsView } from '../features/connections/connections-view.tsx';
import { MigrationsView } from '../features/migrations/migrations-view.tsx';
import { OverlayLayer } from '../features/alerts/alerts-layer.tsx';
import './app-frame.css';


export function App() {
  useAppliedTheme();
  const view = useUi((s) => s.view);
  return (
    <div className="app-frame">
      <TopBar />
      <main className="app-main" id="main">
        <EstateGate>
          <CurrentView view={view} />
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
  if (view === 'connections') return <ConnectionsView />;
  return <NotBuiltPanel view={view} />;
}
