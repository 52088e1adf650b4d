import { memo, useDeferredValue, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { RunSnapshot, VmRun } from '../../../shared/model/recovery-run.ts';
import { formatDuration } from '../../../shared/format/duration.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { useRemPx } from '../../ui/use-rem-px.ts';
import { STEP_LABEL, VM_STATUS_LABEL, vmStatusTone } from './run-labels.ts';
import { currentStep, stepsDone } from './run-time.ts';
import { VmBar, type TimeAxis } from './run-timeline.tsx';

type Filter = 'all' | 'attention' | 'active' | 'done' | 'not-recovered';
const FILTER_LABEL: Record<Filter, string> = {
  all: 'All', attention: 'Needs you', active: 'In progress', done: 'Done', 'not-recovered': 'Not recovered',
};

function matches(vm: VmRun, filter: Filter): boolean {
  switch (filter) {
    case 'all': return true;
    case 'attention': return vm.status === 'waiting-operator';
    case 'active': return vm.status === 'running' || vm.status === 'waiting-operator';
    case 'done': return vm.status === 'done';
    case 'not-recovered': return vm.status === 'skipped' || vm.status === 'aborted' || (vm.status !== 'done' && vm.timing.healthyAt === null);
  }
}

const ROW_REM = 1.875;

/**
 * Every VM of the run with its step, progress, bar on the run's timeline, and achieved RTO/RPO.
 * Virtualized: 600 (or 6,000) VMs put only the visible rows in the DOM.
 */
export function VmRunTable({ run, axis, now }: { run: RunSnapshot; axis: TimeAxis; now: number }) {
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query.trim().toLowerCase());
  const groupNames = useMemo(() => new Map(run.groups.map((g) => [g.index, g.name])), [run.groups]);
  const rows = useMemo(() => run.vms
    .filter((vm) => matches(vm, filter) && (deferredQuery === '' || vm.name.toLowerCase().includes(deferredQuery)))
    .sort((a, b) => a.group - b.group || a.order - b.order), [run.vms, filter, deferredQuery]);
  const counts = useMemo(() => {
    const c: Record<Filter, number> = { all: 0, attention: 0, active: 0, done: 0, 'not-recovered': 0 };
    for (const vm of run.vms) for (const f of Object.keys(c) as Filter[]) if (matches(vm, f)) c[f]++;
    return c;
  }, [run.vms]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const rowPx = Math.round(useRemPx() * ROW_REM);
  const virtualizer = useVirtualizer({
    count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => rowPx, overscan: 12,
    getItemKey: (i) => rows[i]?.name ?? i,
  });

  return (
    <section className="vm-table" aria-label="VMs of the run" data-testid="run-vms">
      <div className="vm-table-toolbar">
        <div className="fo-segmented" role="radiogroup" aria-label="Show">
          {(Object.keys(FILTER_LABEL) as Filter[]).map((f) => (
            <button key={f} type="button" role="radio" aria-checked={filter === f} onClick={() => setFilter(f)} data-testid={`vm-filter-${f}`}>
              {FILTER_LABEL[f]} <span className="num muted">{counts[f]}</span>
            </button>
          ))}
        </div>
        <input type="search" placeholder="Find a VM" aria-label="Find a VM" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      <div className="vm-table-head" aria-hidden="true">
        <span className="c-name">VM</span><span className="c-group">Group</span><span className="c-status">Status</span>
        <span className="c-step">Step</span><span className="c-prog">Progress</span><span className="c-bar">Timeline</span>
        <span className="c-rto">RTO</span><span className="c-rpo">RPO</span>
      </div>
      <div className="vm-table-scroll" ref={scrollRef} role="table" aria-label="VMs" aria-rowcount={rows.length}>
        {rows.length === 0 ? <p className="muted vm-table-empty">No VM matches.</p> : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const vm = rows[item.index];
            if (!vm) return null;
            return <VmRow key={vm.name} vm={vm} group={groupNames.get(vm.group) ?? String(vm.group + 1)} axis={axis} now={vm.status === 'running' || vm.status === 'waiting-operator' ? now : 0} top={item.start} height={rowPx} />;
          })}
        </div>
      </div>
    </section>
  );
}

/** Memoised on the VM object: the store replaces a VM only when the core changed it. */
const VmRow = memo(function VmRow({ vm, group, axis, now, top, height }: { vm: VmRun; group: string; axis: TimeAxis; now: number; top: number; height: number }) {
  const step = currentStep(vm);
  const done = stepsDone(vm);
  const error = vm.steps.find((s) => s.error)?.error;
  return (
    <div className={`vm-row status-${vm.status}`} role="row" style={{ transform: `translateY(${top}px)`, height }} data-testid="run-vm" data-vm={vm.name} data-status={vm.status}>
      <span className="c-name" role="cell" title={`${vm.name}: ${vm.sourceHost} → ${vm.targetHost}`}>{vm.name}</span>
      <span className="c-group" role="cell" title={group}>{group}</span>
      <span className="c-status" role="cell"><StatusGlyph tone={vmStatusTone(vm.status)} /> {VM_STATUS_LABEL[vm.status]}</span>
      <span className="c-step" role="cell" title={error ? `${error.message} (${error.code})` : step?.note ?? undefined}>
        {step ? STEP_LABEL[step.kind] : '—'}{error && vm.status === 'waiting-operator' ? ` — ${error.message}` : ''}
      </span>
      <span className="c-prog" role="cell">
        <span className="progress" aria-label={`${done} of ${vm.steps.length} steps`}><span className="progress-fill" style={{ width: `${(done / Math.max(1, vm.steps.length)) * 100}%` }} /></span>
      </span>
      <span className="c-bar" role="cell"><VmBar vm={vm} axis={axis} now={now} /></span>
      <span className="c-rto num" role="cell">{vm.rtoSec === null ? '—' : formatDuration(vm.rtoSec)}</span>
      <span className="c-rpo num" role="cell">{vm.rpoSec === null ? '—' : formatDuration(vm.rpoSec)}</span>
    </div>
  );
});
