import { useUi, VIEWS, type ViewId } from '../platform/ui-store.ts';

const LABEL: Record<ViewId, string> = {
  topology: 'Topology', replication: 'Replication', migrations: 'Migrations', failover: 'Failover', drills: 'Drills', connections: 'Connections',
};

export function MainNav() {
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  return (
    <nav className="main-nav" aria-label="Views">
      {VIEWS.map((id) => (
        <a
          key={id}
          href={`#/${id}`}
          className="main-nav-link"
          aria-current={view === id ? 'page' : undefined}
          data-testid={`nav-${id}`}
          onClick={(e) => { e.preventDefault(); setView(id); }}
        >
          {LABEL[id]}
          {id !== 'topology' && id !== 'replication' && id !== 'migrations' && id !== 'failover' && id !== 'drills' && id !== 'connections' ? <span className="main-nav-soon" aria-label="(not built yet)">soon</span> : null}
        </a>
      ))}
    </nav>
  );
}
