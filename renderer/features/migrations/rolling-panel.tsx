import { useState } from 'react';
import type { PatchStep } from '../../../shared/model/migration.ts';
import type { MigrationStore } from './migration-store.ts';
import { fmtBytes, fmtDuration } from './queue-model.ts';
import { useMig } from './use-migration-store.ts';
import { useRefusal } from '../../platform/read-only.ts';
import { markerRoom } from '../../ui/marker-room.ts';

/** Plans and starts rolling maintenance of the cluster, node by node. */
export function RollingPanel({ store }: { store: MigrationStore }) {
  const plan = useMig(store, (s) => s.rollingPlan);
  const busy = useMig(store, (s) => s.busy);
  const startRefused = useRefusal()('migration.startRolling');
  const [patchKind, setPatchKind] = useState<'operator' | 'wait'>('operator');
  const [minutes, setMinutes] = useState(20);
  const [atOnce, setAtOnce] = useState(1);
  // The core refuses to start what would not fit; say so before the click.
  const unfit = plan?.warnings.find((w) => w.kind === 'no-capacity' && w.vmId === null);
  const notes = plan?.warnings.filter((w) => w !== unfit) ?? [];
  const patch: PatchStep = patchKind === 'operator' ? { kind: 'operator' } : { kind: 'wait', seconds: Math.max(0, Math.round(minutes * 60)) };
  return (
    <section className="mig-panel" aria-label="Rolling maintenance">
      <h2>Rolling maintenance</h2>
      <label>Patch step{' '}
        <select data-testid="rolling-patch" value={patchKind} onChange={(e) => { setPatchKind(e.target.value as 'operator' | 'wait'); store.clearPlans(); }}>
          <option value="operator">Operator confirms each node</option>
          <option value="wait">Scripted step of fixed length</option>
        </select>
      </label>
      {patchKind === 'wait' ? <label>Minutes per node <input data-testid="rolling-minutes" type="number" min={0} max={600} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} /></label> : null}
      <label>Nodes at a time <input data-testid="rolling-at-once" type="number" min={1} max={8} value={atOnce} onChange={(e) => { setAtOnce(Math.max(1, Number(e.target.value))); store.clearPlans(); }} /></label>
      <button type="button" data-testid="rolling-plan-button" disabled={busy} onClick={() => void store.planRolling(patch, atOnce)}>Plan</button>
      {plan ? (
        <div className="mig-plan" data-testid="rolling-plan">
          <p><strong>Predicted {fmtDuration(plan.predictedDurationSec)}</strong> for {plan.nodes.length} nodes
            {plan.includesPatchSec > 0 ? ` (includes ${fmtDuration(plan.includesPatchSec)} of patch steps${plan.nodesAtOnce > 1 ? `, ${plan.nodesAtOnce} running side by side` : ''})` : ' (plus the time patching takes)'}; lower bound {fmtDuration(plan.lowerBoundSec)}.</p>
          <ol className="mig-moves" style={markerRoom(plan.nodes.length)}>{plan.nodes.map((n) => <li key={n.hostId}>{n.hostName}: {n.vmCount} VMs, {fmtBytes(n.bytesToMove)}, drain ~{fmtDuration(n.predictedDrainSec)} (at least {fmtDuration(n.lowerBoundSec)})</li>)}</ol>
          {notes.length > 0 ? <ul className="mig-notes">{notes.slice(0, 8).map((w, i) => <li key={i}>{w.message}</li>)}</ul> : null}
          {unfit ? <p className="mig-refusal" role="alert" data-testid="rolling-unfit">{unfit.message}</p> : null}
          <button type="button" data-testid="rolling-start" disabled={busy || !!unfit || !!startRefused} title={startRefused ?? unfit?.message} onClick={() => void store.startRolling(patch, atOnce)}>Start rolling maintenance</button>
        </div>
      ) : null}
    </section>
  );
}
