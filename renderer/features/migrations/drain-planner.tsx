import { useState } from 'react';
import type { MigrationStore } from './migration-store.ts';
import { fmtBytes, fmtDuration } from './queue-model.ts';
import { useMig } from './use-migration-store.ts';
import { useRefusal } from '../../platform/read-only.ts';
import { markerRoom } from '../../ui/marker-room.ts';

/** Plans a host's drain (with the quick-migration warning), then pauses the host and drains it. */
export function DrainPlanner({ store }: { store: MigrationStore }) {
  const queue = useMig(store, (s) => s.queue);
  const plan = useMig(store, (s) => s.drainPlan);
  const busy = useMig(store, (s) => s.busy);
  const startRefused = useRefusal()('migration.startDrain');
  const [hostId, setHostId] = useState('');
  const [liveLow, setLiveLow] = useState(true);
  const [acceptQuick, setAcceptQuick] = useState(false);
  const lanes = queue?.lanes ?? [];
  const chosen = hostId || lanes.find((l) => l.state === 'Up')?.hostId || '';
  const quick = plan?.warnings.filter((w) => w.kind === 'quick-migration') ?? [];
  const other = plan?.warnings.filter((w) => w.kind !== 'quick-migration') ?? [];
  const quickMoves = plan?.moves.filter((m) => m.type === 'quick').length ?? 0;
  return (
    <section className="mig-panel" aria-label="Drain a host">
      <h2>Drain a host</h2>
      <label>Host{' '}
        <select data-testid="drain-host" value={chosen} onChange={(e) => { setHostId(e.target.value); store.clearPlans(); }}>
          {lanes.map((l) => <option key={l.hostId} value={l.hostId}>{l.name} ({l.vmCount} VMs, {l.state})</option>)}
        </select>
      </label>
      <label className="mig-check">
        <input type="checkbox" data-testid="drain-live-low" checked={liveLow} onChange={(e) => { setLiveLow(e.target.checked); store.clearPlans(); }} />
        Live-migrate Low-priority VMs too (a Windows drain quick-migrates them: downtime)
      </label>
      <button type="button" data-testid="drain-plan" disabled={busy || !chosen} onClick={() => void store.planDrain(chosen, liveLow)}>Plan the drain</button>
      {plan && plan.hostId === chosen ? (
        <div className="mig-plan" data-testid="drain-plan-result">
          <p>
            <strong data-testid="drain-predicted">Predicted {fmtDuration(plan.predictedDurationSec)}</strong> for {plan.moves.length} VMs
            ({fmtBytes(plan.bytesToMove)}); lower bound {fmtDuration(plan.lowerBoundSec)}.
          </p>
          {quick.length > 0 ? (
            <div className={quickMoves > 0 ? 'mig-warn' : 'mig-note'} data-testid="drain-quick-warning" role={quickMoves > 0 ? 'alert' : undefined}>
              {quickMoves > 0
                ? <p><strong>{quickMoves} Low-priority VMs would be quick-migrated</strong> (saved and restored: downtime).{' '}
                    <button type="button" data-testid="drain-offer-live" onClick={() => { setLiveLow(true); void store.planDrain(chosen, true); }}>Live-migrate them instead</button></p>
                : <p>{quick.length} Low-priority VMs are live-migrated instead of quick-migrated.</p>}
              <ul>{quick.slice(0, 6).map((w) => <li key={w.vmId}>{w.message}</li>)}{quick.length > 6 ? <li>…and {quick.length - 6} more</li> : null}</ul>
            </div>
          ) : null}
          {other.length > 0 ? <ul className="mig-notes">{other.map((w, i) => <li key={i} className={w.kind === 'no-capacity' ? 'sev-error' : ''}>{w.message}</li>)}</ul> : null}
          <details>
            <summary>Moves in order</summary>
            <ol className="mig-moves" data-testid="drain-moves" style={markerRoom(plan.moves.length)}>{plan.moves.map((m) => (
              <li key={m.vmId}>{m.vmName} → {m.destHostName} ({m.type}, {fmtBytes(m.memoryBytes)}, {fmtDuration(m.predictedStartSec)}–{fmtDuration(m.predictedEndSec)})
                {m.reason ? <span className="mig-why" data-testid="drain-move-reason">: {m.reason}</span> : null}</li>
            ))}</ol>
          </details>
          {quickMoves > 0 ? (
            <label className="mig-check"><input type="checkbox" checked={acceptQuick} onChange={(e) => setAcceptQuick(e.target.checked)} /> I accept the downtime of the quick migrations</label>
          ) : null}
          <button type="button" data-testid="drain-start" disabled={busy || (quickMoves > 0 && !acceptQuick) || !!startRefused} title={startRefused ?? undefined} onClick={() => void store.startDrain(chosen, liveLow, acceptQuick)}>
            Pause {lanes.find((l) => l.hostId === chosen)?.name} and drain it
          </button>
        </div>
      ) : null}
    </section>
  );
}
