import { useEffect, useRef } from 'react';
import { create } from 'zustand';
import type { RunListItem } from '../../../shared/model/recovery-run.ts';
import { formatClock } from '../../platform/clock-extrapolation.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { PlansView } from './plans-view.tsx';
import { FailoverWizard } from './failover-wizard.tsx';
import { useRecovery, useRecoveryServices } from './recovery-context.ts';
import { RunMonitor } from './run-monitor.tsx';
import { RUN_STATUS_LABEL, RUN_TYPE_LABEL, runStatusTone } from './run-labels.ts';
import { isActive } from './run-time.ts';
import { useWizard } from './wizard-store.ts';
import './failover.css';

type Tab = 'runs' | 'plans';
const useFailoverTab = create<{ tab: Tab; set(tab: Tab): void }>((set) => ({ tab: 'runs', set: (tab) => set({ tab }) }));

/**
 * The Failover view (every run type) and the Drills view (test failovers only): the runs, the
 * wizard that starts one, the live run, and the recovery plans.
 */
export function FailoverView({ drills = false }: { drills?: boolean }) {
  const tab = useFailoverTab((s) => s.tab);
  const setTab = useFailoverTab((s) => s.set);
  const { recovery } = useRecoveryServices();
  return (
    <div className="failover-view" data-testid={drills ? 'view-drills' : 'view-failover'}>
      <div className="failover-tabs" role="tablist" aria-label={drills ? 'Drills' : 'Failover'}>
        <button type="button" role="tab" aria-selected={tab === 'runs'} onClick={() => setTab('runs')} data-testid="tab-runs">{drills ? 'Drills' : 'Runs'}</button>
        <button type="button" role="tab" aria-selected={tab === 'plans'} onClick={() => setTab('plans')} data-testid="tab-plans">Recovery plans</button>
      </div>
      {tab === 'runs' ? <RunsTab drills={drills} /> : (
        <PlansView onStartRun={(planId) => { useWizard.getState().reset({ planId, type: drills ? 'test-failover' : null }); void recovery.openRun(null); setTab('runs'); }} />
      )}
    </div>
  );
}

function RunsTab({ drills }: { drills: boolean }) {
  const { recovery } = useRecoveryServices();
  const runs = useRecovery((s) => s.runs);
  const runsStatus = useRecovery((s) => s.runsStatus);
  const runsError = useRecovery((s) => s.runsError);
  const openRunId = useRecovery((s) => s.openRunId);
  const open = useRecovery((s) => s.open);
  const openError = useRecovery((s) => s.openError);
  const shown = drills ? runs.filter((r) => r.type === 'test-failover') : runs;
  const autoOpened = useRef(false);

  // Reopening the console shows a run that is still going, where it is.
  useEffect(() => {
    void recovery.refreshList();
  }, [recovery]);
  useEffect(() => {
    if (autoOpened.current || runsStatus !== 'ready') return;
    autoOpened.current = true;
    if (openRunId !== null && shown.some((r) => r.id === openRunId)) return;
    const live = shown.find((r) => isActive(r) || r.waitingForOperator > 0);
    if (live) void recovery.openRun(live.id);
    else if (openRunId !== null && !shown.some((r) => r.id === openRunId)) void recovery.openRun(null);
  }, [runsStatus, shown, openRunId, recovery]);

  const showingRun = openRunId !== null && (!drills || open === null || open.type === 'test-failover');
  return (
    <div className="failover-body">
      <aside className="fo-run-list" aria-label={drills ? 'Drills' : 'Runs'} data-testid="run-list">
        <button type="button" className="primary new-run" onClick={() => void recovery.openRun(null)} aria-pressed={!showingRun} data-testid="new-run">
          {drills ? 'New drill' : 'New run'}
        </button>
        {runsStatus === 'loading' ? <p className="muted">Loading runs…</p> : null}
        {runsError ? <p className="inline-error" role="alert">{runsError}</p> : null}
        {runsStatus === 'ready' && shown.length === 0 ? <p className="muted fo-run-list-empty">No {drills ? 'drills' : 'runs'} yet.</p> : null}
        <ul>
          {shown.map((r) => <RunListEntry key={r.id} run={r} selected={r.id === openRunId} onOpen={() => void recovery.openRun(r.id)} />)}
        </ul>
      </aside>
      <div className="failover-main">
        {showingRun ? (
          open && open.id === openRunId ? <RunMonitor run={open} />
            : openError ? <p className="inline-error" role="alert"><StatusGlyph tone="crit" /> The run could not be loaded: {openError}</p>
              : <p className="muted failover-loading">Loading the run…</p>
        ) : <FailoverWizard drillsOnly={drills} onStarted={() => undefined} />}
      </div>
    </div>
  );
}

function RunListEntry({ run, selected, onOpen }: { run: RunListItem; selected: boolean; onOpen(): void }) {
  return (
    <li>
      <button type="button" className={`run-entry${selected ? ' is-selected' : ''}`} aria-current={selected ? 'true' : undefined} onClick={onOpen} data-testid="run-entry" data-run-id={run.id}>
        <span className="run-entry-top">
          <StatusGlyph tone={run.waitingForOperator > 0 ? 'crit' : runStatusTone(run.status)} />
          <strong>{run.planName}</strong>
        </span>
        <span className="run-entry-line">{RUN_TYPE_LABEL[run.type]} · {RUN_STATUS_LABEL[run.status]}{run.waitingForOperator > 0 ? ` · ${run.waitingForOperator} waiting for you` : ''}</span>
        <span className="run-entry-line muted num">{formatClock(run.startedAt)} · {run.vmsDone}/{run.vmCount} VMs</span>
      </button>
    </li>
  );
}
