import { StatusGlyph } from '../ui/status-glyph.tsx';
import type { ViewId } from './ui-store.ts';

const COMING: Record<Exclude<ViewId, 'topology' | 'connections'>, { title: string; what: string[] }> = {
  replication: {
    title: 'Replication',
    what: [
      'Replication health and state of every protected VM, per site and per tier.',
      'Time since the last replication cycle against the configured frequency (30 s, 5 min, 15 min).',
      'Pending bytes and recovery points; suspend, resume and resynchronize.',
    ],
  },
  migrations: {
    title: 'Migrations',
    what: [
      'Live and quick migration of VMs between hosts of a cluster, with host capacity checks.',
      'Draining a host for maintenance, and the migration queue per host.',
    ],
  },
  failover: {
    title: 'Failover',
    what: [
      'Planned failover (primary shut down, replica started with no data loss) and unplanned failover.',
      'Recovery plans in priority order, with the RTO target from the settings.',
      'Reverse replication and failback once the primary site is back.',
    ],
  },
  drills: {
    title: 'Drills',
    what: [
      'Test failover into an isolated network without touching production replication.',
      'Drill records with timings, kept in an append-only journal, and clean-up of test VMs.',
    ],
  },
};

/** An honest placeholder: says what is coming, shows no invented numbers. */
export function NotBuiltPanel({ view }: { view: Exclude<ViewId, 'topology' | 'connections'> }) {
  const coming = COMING[view];
  return (
    <section className="notice-pane" data-testid={`view-${view}`} aria-labelledby="not-built-title">
      <h2 id="not-built-title"><StatusGlyph tone="info" /> {coming.title} is not built yet</h2>
      <p>This view will show:</p>
      <ul>{coming.what.map((line) => <li key={line}>{line}</li>)}</ul>
      <p>Until then, the Topology view shows each VM’s replication mode and health.</p>
    </section>
  );
}
