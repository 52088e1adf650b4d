import { useMemo } from 'react';
import { useStore } from 'zustand';
import { formatDuration } from '../../../shared/format/duration.ts';
import { useEstate, useStoreOf } from '../../platform/services-context.tsx';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { RUN_TYPE_LABEL } from '../recovery/run-labels.ts';
import { activeRunsStores } from './active-runs-store.ts';
import { operationsStores } from './operations-store.ts';
import { operationEta, runProgress, tierByVmId } from './run-progress.ts';
import { useWallEstateNow } from './wall-context.ts';
import { formatTime } from './wall-time.ts';

/** Drills and failovers in progress, then drains and rolling maintenance, each with where it stands. */
export function ActivityPanel() {
  const runs = useStore(useStoreOf(activeRunsStores).store, (s) => s.runs);
  const { drains, rolling } = useStore(useStoreOf(operationsStores).store);
  const structure = useEstate((s) => s.structureVersion);
  const vms = useEstate((s) => s.snapshot?.vms);
  // Tiers change only with the estate's structure
  const tiers = useMemo(() => tierByVmId(vms ?? {}), [structure, vms !== undefined]);
  const now = useWallEstateNow() ?? 0;
  const idle = runs.length === 0 && drains.length === 0 && rolling.length === 0;

  return (
    <section className="wall-panel wall-activity" aria-label="Runs and maintenance" data-testid="wall-activity">
      <h2>Runs &amp; maintenance</h2>
      {idle && <p className="muted" data-testid="wall-activity-idle">No drill, failover, drain or maintenance running.</p>}
      {runs.slice(0, 2).map((run) => {
        const p = runProgress(run, tiers, now);
        const over = p.elapsedSec > p.targetSec;
        return (
          <article key={run.id} className="wall-run" data-testid="wall-run">
            <div className="wall-run-title"><b>{RUN_TYPE_LABEL[run.type]}</b> {run.planName}</div>
            <div className={`wall-progress${over ? ' is-over' : ''}`} title="Elapsed against the RTO target">
              <span className="wall-progress-track" aria-hidden="true"><span style={{ width: `${Math.min(100, (p.elapsedSec / p.targetSec) * 100)}%` }} /></span>
              <span className="num">{formatDuration(p.elapsedSec)} <span className="muted">of {formatDuration(p.targetSec)}</span></span>
            </div>
            <div className="wall-run-tiers num">
              {p.tiers.map((t) => (
                <span key={String(t.tier)} className={t.done === t.total ? 'is-done' : undefined}>
                  {t.tier === null ? 'Other' : `T${t.tier}`} {t.done}/{t.total}
                </span>
              ))}
            </div>
            {p.waiting.length > 0 && (
              <div className="wall-run-waiting" data-testid="wall-run-waiting">
                <StatusGlyph tone="crit" /> {p.waiting.length} waiting for an operator: {p.waiting.slice(0, 3).join(', ')}{p.waiting.length > 3 ? ', …' : ''}
              </div>
            )}
          </article>
        );
      })}
      {runs.length > 2 && <p className="muted">+{runs.length - 2} more runs</p>}
      {rolling.slice(0, 2).map((r) => {
        const done = r.nodes.filter((n) => n.phase === 'done' || n.phase === 'skipped').length;
        return <OperationLine key={r.id} kind="Rolling maintenance" name={r.clusterName} progress={`${done}/${r.nodes.length} nodes`} eta={operationEta(r)} now={now} status={r.status} />;
      })}
      {drains.slice(0, 3).map((d) => (
        <OperationLine key={d.id} kind="Drain" name={d.hostName} progress={`${d.counts.completed}/${d.counts.total} VMs`} eta={operationEta(d)} now={now} status={d.status} />
      ))}
      {drains.length + rolling.length > 5 && <p className="muted">+{drains.length + rolling.length - 5} more operations</p>}
    </section>
  );
}

function OperationLine({ kind, name, progress, eta, now, status }: { kind: string; name: string; progress: string; eta: number; now: number; status: string }) {
  const left = (eta - now) / 1000;
  return (
    <div className="wall-op" data-testid="wall-operation" data-status={status}>
      <span><b>{kind}</b> {name}</span>
      <span className="num">{progress}</span>
      <span className="num">
        {status === 'running'
          ? <>ETA {formatTime(eta, false)} <span className="muted">{left >= 0 ? `in ${formatDuration(left)}` : `${formatDuration(-left)} late`}</span></>
          : <span className="wall-warn-text">{status === 'paused' ? 'Paused' : 'Needs an operator'}</span>}
      </span>
    </div>
  );
}
