import type { DrillSchedule } from '../../../shared/model/recovery-plan.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';

export const day = (at: number) => new Date(at).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

/** "Next drill due" as the plan shows it; the core decides overdue (on the backend's clock). */
export function DrillDue({ schedule }: { schedule: DrillSchedule | undefined }) {
  if (!schedule) return <span className="muted" data-testid="drill-due">No drill schedule (set settings.drillCadenceDays to have one).</span>;
  const tone = schedule.overdue ? 'crit' : 'ok';
  return (
    <span className={schedule.overdue ? 'crit-text' : undefined} data-testid="drill-due" data-overdue={schedule.overdue}>
      <StatusGlyph tone={tone} /> Drill every {schedule.cadenceDays} days ·{' '}
      {schedule.lastDrillAt === null ? 'never drilled: due now'
        : schedule.overdue ? `overdue since ${day(schedule.dueAt!)} (last drill ${day(schedule.lastDrillAt)})`
        : `next drill due ${day(schedule.dueAt!)} (last ${day(schedule.lastDrillAt)})`}
    </span>
  );
}

