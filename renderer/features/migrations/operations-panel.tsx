import type { MigrationStore } from './migration-store.ts';
import { fmtDuration } from './queue-model.ts';
import { useMig } from './use-migration-store.ts';
import { OperationButtons } from './operation-buttons.tsx';
import { useRefusal } from '../../platform/read-only.ts';
import { markerRoom } from '../../ui/marker-room.ts';

/** The cluster's drains and rolling maintenances, with their last events. */
export function OperationsPanel({ store }: { store: MigrationStore }) {
  const ops = useMig(store, (s) => s.operations);
  const clusterId = useMig(store, (s) => s.clusterId);
  const refusal = useRefusal();
  const drains = ops.drains.filter((d) => d.clusterId === clusterId && d.parentId === null).slice(0, 5);
  const rolling = ops.rolling.filter((r) => r.clusterId === clusterId).slice(0, 3);
  if (drains.length === 0 && rolling.length === 0) return null;
  return (
    <section className="mig-panel" aria-label="Drains and maintenance">
      <h2>Drains and maintenance</h2>
      <ul className="mig-ops">
        {drains.map((d) => (
          <li key={d.id} data-testid="mig-drain" data-status={d.status}>
            <strong>Drain {d.hostName}</strong> — <span data-testid="mig-drain-status">{d.status}</span>
            {' · '}{d.counts.completed}/{d.counts.total} moved{d.counts.failed > 0 ? `, ${d.counts.failed} failed` : ''}
            {' · '}predicted {fmtDuration(d.predictedDurationSec)}{d.finishedAt ? `, took ${fmtDuration((d.finishedAt - d.startedAt) / 1000)}` : ''}
            <OperationButtons store={store} id={d.id} status={d.status} />
            <ol className="mig-events" data-testid="mig-drain-events">
              {d.events.slice(-4).map((e, i) => <li key={i} className={`sev-${e.severity}`}>{e.message}</li>)}
            </ol>
          </li>
        ))}
        {rolling.map((r) => (
          <li key={r.id} data-testid="mig-rolling" data-status={r.status}>
            <strong>Rolling maintenance {r.clusterName}</strong> — {r.status} · {r.nodesAtOnce} node{r.nodesAtOnce > 1 ? 's' : ''} at a time
            {' · '}predicted {fmtDuration(r.predictedDurationSec)}{r.finishedAt ? `, took ${fmtDuration((r.finishedAt - r.startedAt) / 1000)}` : ''}
            <OperationButtons store={store} id={r.id} status={r.status} />
            {r.status === 'failed' || r.status === 'cancelled'
              ? <button type="button" data-testid="mig-rolling-carry-on" disabled={!!refusal('migration.carryOnRolling')} title={refusal('migration.carryOnRolling') ?? undefined} onClick={() => void store.carryOnRolling(r.id)}>
                  Carry on ({r.nodes.filter((n) => n.phase === 'done' || n.phase === 'skipped').length} of {r.nodes.length} nodes done)
                </button>
              : null}
            <ol className="mig-nodes" style={markerRoom(r.nodes.length)}>
              {r.nodes.map((n) => (
                <li key={n.hostId} data-phase={n.phase}>
                  {n.hostName}: {n.phase}
                  {n.phase === 'patching' && r.patch.kind === 'operator'
                    ? <button type="button" disabled={!!refusal('migration.confirmPatched')} title={refusal('migration.confirmPatched') ?? undefined} onClick={() => void store.confirmPatched(r.id, n.hostId)}>Patched — resume {n.hostName}</button>
                    : null}
                </li>
              ))}
            </ol>
            <ol className="mig-events">{r.events.slice(-4).map((e, i) => <li key={i} className={`sev-${e.severity}`}>{e.message}</li>)}</ol>
          </li>
        ))}
      </ul>
    </section>
  );
}
