import type { GroupRun, RunSnapshot, VmRun } from '../../../shared/model/recovery-run.ts';
import { formatDuration } from '../../../shared/format/duration.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { stepStatusTone } from './run-labels.ts';

/** The time window every bar on the page is drawn against: run start → max(target, now). */
export interface TimeAxis { start: number; end: number; target: number }

export function timeAxisOf(run: RunSnapshot, now: number): TimeAxis {
  const target = run.startedAt + run.rtoTargetSec * 1000;
  // Room after the last bar so it never touches the edge; the target stays in view until passed.
  const end = Math.max(target, run.startedAt + (now - run.startedAt) * 1.08, run.startedAt + 60_000);
  return { start: run.startedAt, end, target };
}

export function pct(axis: TimeAxis, t: number): number {
  return Math.max(0, Math.min(100, ((t - axis.start) / (axis.end - axis.start)) * 100));
}

/** Ticks every 5/10/15/30/60 minutes, whichever gives about six. */
function ticksOf(axis: TimeAxis): number[] {
  const spanMin = (axis.end - axis.start) / 60_000;
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 240].find((s) => spanMin / s <= 7) ?? 480;
  const out: number[] = [];
  for (let m = step; m < spanMin; m += step) out.push(m);
  return out;
}

/** Groups as a Gantt chart: one lane each, with progress, and the RTO target line. */
export function GroupTimeline({ run, axis, now }: { run: RunSnapshot; axis: TimeAxis; now: number }) {
  const counts = new Map<number, { total: number; done: number; attention: number }>();
  for (const vm of run.vms) {
    const c = counts.get(vm.group) ?? { total: 0, done: 0, attention: 0 };
    c.total++;
    if (vm.status === 'done' || vm.status === 'skipped') c.done++;
    if (vm.status === 'waiting-operator') c.attention++;
    counts.set(vm.group, c);
  }
  const targetPct = pct(axis, axis.target);
  return (
    <section className="gantt" aria-label="Groups on the timeline" data-testid="run-groups">
      <div className="gantt-axis" aria-hidden="true">
        <span className="gantt-label-col" />
        <span className="gantt-track-col">
          {ticksOf(axis).map((m) => <span key={m} className="gantt-tick" style={{ left: `${pct(axis, axis.start + m * 60_000)}%` }}>{m} min</span>)}
          <span className="gantt-target-label" style={{ left: `${targetPct}%` }}>target {formatDuration(run.rtoTargetSec)}</span>
        </span>
        <span className="gantt-progress-col">VMs</span>
      </div>
      {run.groups.map((g) => {
        const c = counts.get(g.index) ?? { total: 0, done: 0, attention: 0 };
        return <GroupLane key={g.index} group={g} axis={axis} now={now} done={c.done} total={c.total} attention={c.attention} targetPct={targetPct} />;
      })}
    </section>
  );
}

function GroupLane({ group, axis, now, done, total, attention, targetPct }: {
  group: GroupRun; axis: TimeAxis; now: number; done: number; total: number; attention: number; targetPct: number;
}) {
  const left = group.startedAt === null ? null : pct(axis, group.startedAt);
  const right = group.startedAt === null ? null : pct(axis, group.endedAt ?? now);
  const steps = [...group.before, ...group.after];
  const tone = group.status === 'done' ? 'ok' : group.status === 'aborted' ? 'crit' : attention > 0 ? 'crit' : group.status === 'running' ? 'info' : 'none';
  const fraction = total === 0 ? (group.status === 'done' ? 1 : 0) : done / total;
  return (
    <div className={`gantt-lane lane-${group.status}`} data-testid="run-group" data-status={group.status}>
      <span className="gantt-label-col">
        <StatusGlyph tone={tone} label={group.status} />
        <span className="gantt-group-name" title={group.name}>{group.name}</span>
        {steps.length > 0 ? (
          <span className="gantt-steps" title={steps.map((s) => `${s.label}: ${s.status}`).join('\n')}>
            {steps.map((s) => <StatusGlyph key={s.id} tone={stepStatusTone(s.status)} />)}
          </span>
        ) : null}
      </span>
      <span className="gantt-track-col">
        <span className="gantt-target" style={{ left: `${targetPct}%` }} aria-hidden="true" />
        {left !== null && right !== null ? (
          <span className={`gantt-bar bar-${group.status}`} style={{ left: `${left}%`, width: `${Math.max(0.4, right - left)}%` }}
            title={`${group.name}: ${formatDuration(((group.endedAt ?? now) - group.startedAt!) / 1000)}`} />
        ) : null}
      </span>
      <span className="gantt-progress-col">
        <span className="progress" role="progressbar" aria-label={`${group.name}: VMs done`} aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
          <span className="progress-fill" style={{ width: `${fraction * 100}%` }} />
        </span>
        <span className="num progress-text">{done}/{total}</span>
      </span>
    </div>
  );
}

/** One VM's bar on the shared axis: failover (dark), boot until applications healthy (green), still going (hatched). */
export function VmBar({ vm, axis, now }: { vm: VmRun; axis: TimeAxis; now: number }) {
  const t = vm.timing;
  if (t.startedAt === null) return <span className="vm-bar-track" />;
  const end = t.healthyAt ?? (vm.status === 'running' || vm.status === 'waiting-operator' ? now : vm.steps.reduce((m, s) => Math.max(m, s.endedAt ?? 0), t.startedAt));
  const a = pct(axis, t.startedAt);
  const b = t.failoverDoneAt === null ? null : pct(axis, t.failoverDoneAt);
  const c = pct(axis, end);
  return (
    <span className="vm-bar-track" aria-hidden="true">
      <span className="vm-bar seg-failover" style={{ left: `${a}%`, width: `${Math.max(0.3, (b ?? c) - a)}%` }} />
      {b !== null ? <span className={`vm-bar ${t.healthyAt !== null ? 'seg-boot' : 'seg-open'}`} style={{ left: `${b}%`, width: `${Math.max(0.3, c - b)}%` }} /> : null}
    </span>
  );
}
