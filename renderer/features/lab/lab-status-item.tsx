import { useEstate } from '../../platform/services-context.tsx';
import { useSheet } from '../../platform/sheet-store.ts';
import { useLab } from './use-lab.ts';

/** Status bar button opening the lab controls; shows how many faults are active. */
export function LabStatusItem() {
  const isLab = useEstate((s) => s.snapshot?.backend.kind === 'lab');
  const faults = useLab((s) => s.status?.faults.length ?? 0);
  const open = useSheet((s) => s.sheet === 'lab');
  if (!isLab) return null;
  return (
    <button type="button" className={`status-item status-button lab-toggle${faults > 0 ? ' has-faults' : ''}`} aria-pressed={open} onClick={() => useSheet.getState().toggle('lab')} data-testid="lab-toggle" title="Lab speed and fault injection">
      Lab controls{faults > 0 ? <span className="fault-badge num">{faults} fault{faults === 1 ? '' : 's'}</span> : null}
    </button>
  );
}
