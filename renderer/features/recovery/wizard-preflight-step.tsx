import { useEffect, useMemo, useState } from 'react';
import type { PreflightCheck, PreflightReport } from '../../../shared/model/recovery-run.ts';
import { formatBytes } from '../../../shared/format/bytes.ts';
import { useServices } from '../../platform/services-context.tsx';
import { describeError } from '../../platform/describe-error.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { useWizard } from './wizard-store.ts';
import { WizardNav } from './wizard-nav.tsx';

const CHECK_LABEL: Record<PreflightCheck['check'], string> = {
  plan: 'Plan', 'replica-health': 'Replica health', rpo: 'Recovery point age vs RPO', capacity: 'DR capacity',
  'primary-off': 'Primary VMs', 'run-conflict': 'Other runs', 'recovery-point': 'Recovery points', backend: 'Sites and sessions', 'test-network': 'Test network',
};

/** Step 3: the core's preflight, its blockers, and the warnings the operator accepts one by one. */
export function PreflightStep() {
  const { client } = useServices();
  const planId = useWizard((s) => s.planId);
  const type = useWizard((s) => s.type);
  const policy = useWizard((s) => s.policy);
  const report = useWizard((s) => s.preflight);
  const status = useWizard((s) => s.preflightStatus);
  const error = useWizard((s) => s.preflightError);
  const accepted = useWizard((s) => s.accepted);
  const notice = useWizard((s) => s.preflightNotice);
  const { set } = useWizard.getState();

  const run = async () => {
    if (!planId || !type) return;
    set({ preflightStatus: 'checking', preflightError: null });
    try {
      const result = await client.request('recovery.preflight', { id: planId, type, policy });
      // Warnings accepted earlier stay accepted when they are still the same warnings.
      const keep = new Set([...useWizard.getState().accepted].filter((id) => result.warnings.some((w) => w.id === id)));
      set({ preflight: result, preflightStatus: 'done', accepted: keep });
    } catch (e) {
      set({ preflightStatus: 'error', preflightError: describeError(e) });
    }
  };
  useEffect(() => { if (status === 'idle') void run(); });

  const unaccepted = report ? report.warnings.filter((w) => !accepted.has(w.id)).length : 0;
  const why = !report ? null
    : report.blockers.length > 0 ? `${report.blockers.length} blocker${report.blockers.length === 1 ? '' : 's'}: fix ${report.blockers.length === 1 ? 'it' : 'them'}, then check again.`
      : unaccepted > 0 ? `Accept or fix ${unaccepted} warning${unaccepted === 1 ? '' : 's'} to go on.` : null;

  return (
    <>
      <div className="preflight-head">
        <p className="preflight-verdict" data-testid="preflight-verdict" role="status">
          {status === 'checking' ? 'Checking…'
            : status === 'error' ? <><StatusGlyph tone="crit" /> Preflight could not run: {error}</>
              : report ? (report.blockers.length > 0
                ? <><StatusGlyph tone="crit" /> <strong>Cannot start:</strong> {report.blockers.length} blocker{report.blockers.length === 1 ? '' : 's'}, {report.warnings.length} warning{report.warnings.length === 1 ? '' : 's'} for {report.vmCount} VMs.</>
                : report.warnings.length > 0
                  ? <><StatusGlyph tone="warn" /> No blockers. {report.warnings.length} warning{report.warnings.length === 1 ? '' : 's'} for {report.vmCount} VMs — accept each, or fix it and check again.</>
                  : <><StatusGlyph tone="ok" /> All checks passed for {report.vmCount} VMs.</>)
                : null}
        </p>
        <button type="button" onClick={() => void run()} disabled={status === 'checking'}>Check again</button>
      </div>
      {notice ? <p className="inline-error" role="alert" data-testid="preflight-notice"><StatusGlyph tone="warn" /> {notice}</p> : null}
      {report && report.blockers.length > 0 ? (
        <section className="check-list" aria-label="Blockers" data-testid="preflight-blockers">
          <h3><StatusGlyph tone="crit" /> Blockers — these must be fixed</h3>
          <CheckGroups checks={report.blockers} />
        </section>
      ) : null}
      {report && report.warnings.length > 0 ? (
        <section className="check-list" aria-label="Warnings" data-testid="preflight-warnings">
          <h3><StatusGlyph tone="warn" /> Warnings — accept each one, or fix it and check again</h3>
          <CheckGroups checks={report.warnings} accepted={accepted} onAccept={(ids, on) => {
            const nextSet = new Set(accepted);
            for (const id of ids) { if (on) nextSet.add(id); else nextSet.delete(id); }
            set({ accepted: nextSet });
          }} />
        </section>
      ) : null}
      {report && report.capacity.length > 0 ? <CapacityTable report={report} /> : null}
      <WizardNav from="preflight" canNext={report !== null && report.blockers.length === 0 && unaccepted === 0 && status === 'done'} why={why} />
    </>
  );
}

const SHOWN_PER_GROUP = 8;

function CheckGroups({ checks, accepted, onAccept }: { checks: PreflightCheck[]; accepted?: ReadonlySet<string>; onAccept?: (ids: string[], on: boolean) => void }) {
  const groups = useMemo(() => {
    const map = new Map<PreflightCheck['check'], PreflightCheck[]>();
    for (const c of checks) map.set(c.check, [...(map.get(c.check) ?? []), c]);
    return [...map.entries()];
  }, [checks]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  return (
    <>
      {groups.map(([check, items]) => {
        const allOn = accepted ? items.every((c) => accepted.has(c.id)) : false;
        const open = expanded.has(check);
        const shown = open ? items : items.slice(0, SHOWN_PER_GROUP);
        return (
          <div key={check} className="check-group">
            <div className="check-group-head">
              <strong>{CHECK_LABEL[check]}</strong> <span className="muted num">({items.length})</span>
              {onAccept && items.length > 1 ? (
                <label className="accept-all">
                  <input type="checkbox" checked={allOn} onChange={(e) => onAccept(items.map((c) => c.id), e.target.checked)} />
                  Accept all {items.length}
                </label>
              ) : null}
            </div>
            <ul>
              {shown.map((c) => (
                <li key={c.id} className="check-item">
                  {onAccept && accepted ? (
                    <label>
                      <input type="checkbox" checked={accepted.has(c.id)} onChange={(e) => onAccept([c.id], e.target.checked)} aria-label={`Accept: ${c.message}`} />
                      <span>{c.message}</span>
                    </label>
                  ) : <span>{c.message}</span>}
                </li>
              ))}
            </ul>
            {items.length > SHOWN_PER_GROUP ? (
              <button type="button" className="link-button" onClick={() => {
                const n = new Set(expanded);
                if (open) n.delete(check); else n.add(check);
                setExpanded(n);
              }}>{open ? 'Show fewer' : `Show all ${items.length}`}</button>
            ) : null}
          </div>
        );
      })}
    </>
  );
}

function CapacityTable({ report }: { report: PreflightReport }) {
  return (
    <table className="data-table capacity-table">
      <caption>DR capacity for the whole plan</caption>
      <thead><tr><th scope="col">Cluster</th><th scope="col">Memory needed / free</th><th scope="col">vCPU needed / logical processors</th></tr></thead>
      <tbody>
        {report.capacity.map((c) => (
          <tr key={c.cluster}>
            <th scope="row">{c.cluster}</th>
            <td className={`num${c.memoryNeededBytes > c.memoryFreeBytes ? ' is-over' : ''}`}>{formatBytes(c.memoryNeededBytes)} / {formatBytes(c.memoryFreeBytes)}</td>
            <td className="num">{c.vcpuNeeded} / {c.logicalProcessors}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
