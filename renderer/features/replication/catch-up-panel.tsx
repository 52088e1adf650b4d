import { useState } from 'react';
import type { ReplicationSummary } from '../../../shared/model/replication.ts';
import { formatBytes } from '../../../shared/format/bytes.ts';
import { formatDuration } from '../../../shared/format/duration.ts';
import { formatClock } from '../../platform/clock-extrapolation.ts';
import { useRefusal } from '../../platform/read-only.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { formatBits } from './summary-strip.tsx';
import { useReplication, useReplicationStore } from './use-replication.ts';

/**
 * The backlog after a WAN cut, per tier, and "catch up tier 0 first": shown while a tier is behind
 * its RPO with something pending, while a catch-up holds tiers 1 and 2, and after one ends.
 */
export function CatchUpPanel() {
  const summary = useReplication((s) => s.summary);
  if (!summary) return null;
  const state = summary.catchUp;
  const behind = summary.byTier.some((t) => t.withinRpo < t.protectedVms && t.pendingBytes > 0);
  const live = state && (state.status === 'holding' || state.status === 'resuming' || state.status === 'failed');
  if (!behind && !live) return null;
  return (
    <section className={`catch-up${live ? ' is-holding' : ''}`} data-testid="catch-up" aria-label="Replication backlog and catch-up">
      <Backlog summary={summary} />
      {live ? <Holding summary={summary} /> : <Offer summary={summary} />}
    </section>
  );
}

function Backlog({ summary }: { summary: ReplicationSummary }) {
  const rate = summary.wanThroughputBitsPerSec;
  return (
    <div className="catch-up-backlog">
      <span className="summary-key">Backlog</span>
      {summary.byTier.map((t) => (
        <span key={t.tier} className="catch-up-tier" data-testid={`backlog-tier-${t.tier}`}>
          <b>T{t.tier}</b> <span className="num">{formatBytes(t.pendingBytes)}</span>
          {t.pendingBytes > 0 ? <span className="muted"> · {t.catchUpSec === null ? 'no estimate: nothing is shipping' : `~${formatDuration(t.catchUpSec)}`}</span> : null}
        </span>
      ))}
      <span className="muted catch-up-note">{rate > 0 ? `in tier order at ${formatBits(rate)}, new writes not counted` : 'the WAN ships nothing now'}</span>
    </div>
  );
}

function Offer({ summary }: { summary: ReplicationSummary }) {
  const replication = useReplicationStore();
  const refusal = useRefusal()('replication.catchUp');
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const tier0 = summary.byTier.find((t) => t.tier === 0);
  const tier0Behind = tier0 ? tier0.protectedVms - tier0.withinRpo : 0;
  const last = summary.catchUp;
  const start = async () => {
    setBusy(true);
    setProblem(await replication.catchUp('start'));
    setBusy(false);
    setAsking(false);
  };
  return (
    <div className="catch-up-action">
      {last?.status === 'done' ? <span className="muted" data-testid="catch-up-last">Last catch-up: {last.message} ({last.resumedBy}, {formatClock(last.endedAt ?? last.startedAt)})</span> : null}
      {tier0Behind > 0 ? (
        asking ? (
          <span className="catch-up-confirm" role="group" aria-label="Confirm catch-up">
            <StatusGlyph tone="warn" /> Suspend replication of every replicating tier-1 and tier-2 VM until all {tier0?.protectedVms ?? 0} tier-0 VMs are within RPO, then resume exactly those? Their writes are kept; they ship later.
            <button type="button" className="primary" disabled={busy} onClick={() => void start()} data-testid="catch-up-confirm">{busy ? 'Suspending…' : 'Suspend tiers 1 and 2'}</button>
            <button type="button" disabled={busy} onClick={() => setAsking(false)}>Cancel</button>
          </span>
        ) : (
          <button type="button" disabled={refusal !== null} title={refusal ?? `${tier0Behind} tier-0 VM${tier0Behind === 1 ? ' is' : 's are'} behind RPO: give them the WAN first`} onClick={() => setAsking(true)} data-testid="catch-up-start">
            Catch up tier 0 first…
          </button>
        )
      ) : null}
      {problem ? <span className="catch-up-problem" role="alert" data-testid="catch-up-problem"><StatusGlyph tone="crit" /> {problem}</span> : null}
    </div>
  );
}

function Holding({ summary }: { summary: ReplicationSummary }) {
  const replication = useReplicationStore();
  const refusal = useRefusal()('replication.catchUp');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const state = summary.catchUp!;
  const resume = async () => {
    setBusy(true);
    setProblem(await replication.catchUp('resume'));
    setBusy(false);
  };
  const text = state.status === 'holding'
    ? `Tiers 1 and 2 held so tier 0 has the WAN: ${state.held.length} VMs suspended since ${formatClock(state.startedAt)} by ${state.startedBy}. They resume by themselves once every tier-0 VM is within RPO.`
    : state.status === 'resuming' ? `Resuming the ${state.held.length} held VMs…` : state.message ?? 'Some held VMs could not be resumed.';
  return (
    <div className="catch-up-action" role="status" data-testid="catch-up-state" data-status={state.status}>
      <StatusGlyph tone={state.status === 'failed' ? 'crit' : 'info'} /> {text}
      {state.status !== 'resuming' ? (
        <button type="button" disabled={refusal !== null || busy} title={refusal ?? 'Resume every VM this catch-up suspended (Resume-VMReplication), now'} onClick={() => void resume()} data-testid="catch-up-resume">
          {busy ? 'Resuming…' : state.status === 'failed' ? 'Resume again' : 'Resume them now'}
        </button>
      ) : null}
      {problem ? <span className="catch-up-problem" role="alert"><StatusGlyph tone="crit" /> {problem}</span> : null}
    </div>
  );
}
