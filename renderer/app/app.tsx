import { lazy, Suspense } from 'react';
import { useAppliedTheme } from './use-applied-theme.ts';
import { useUi, type ViewId } from './ui-store.ts';
import { TopBar } from './top-bar.tsx';
import { StatusBar } from './status-bar.tsx';
import { NotBuiltPanel } from './not-built-panel.tsx';
import { EstateGate } from './estate-gate.tsx';
import './app-frame.css';

const TopologyView = lazy(() => import('../features/topology/topology-view.tsx').then((m) => ({ default: m.TopologyView })));

export function App() {
  useAppliedTheme();
  const view = useUi((s) => s.view);
  return (
    <div className="app-frame">
      <TopBar />
      <main className="app-main" id="main">
        <EstateGate>
          <Suspense fallback={null}>
            <CurrentView view={view} />
          </Suspense>
        </EstateGate>
      </main>
      <StatusBar />
    </div>
  );
}

function CurrentView({ view }: { view: ViewId }) {
  if (view === 'topology') return <TopologyView />;
  return <NotBuiltPanel view={view} />;
}
