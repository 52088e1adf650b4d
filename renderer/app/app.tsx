import { useAppliedTheme } from './use-applied-theme.ts';
import { useUi, type ViewId } from './ui-store.ts';
import { TopBar } from './top-bar.tsx';
import { StatusBar } from './status-bar.tsx';
import { NotBuiltPanel } from './not-built-panel.tsx';
import { EstateGate } from './estate-gate.tsx';
import { TopologyView } from '../features/topology/topology-view.tsx';
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
    </div>
  );
}

function CurrentView({ view }: { view: ViewId }) {
  if (view === 'topology') return <TopologyView />;
  return <NotBuiltPanel view={view} />;
}
