import { AlertsPanel } from '../features/alerts/alerts-panel.tsx';
import { AlertToasts } from '../features/alerts/alert-toasts.tsx';
import { LabPanel } from '../features/lab/lab-panel.tsx';
import { useSheet } from '../platform/sheet-store.ts';
import '../features/alerts/alerts.css';

/** What floats over every view: the open side sheet (alerts or lab) and the critical-alert toasts. */
export function OverlayLayer() {
  const sheet = useSheet((s) => s.sheet);
  return (
    <>
      {sheet === 'alerts' ? <AlertsPanel /> : sheet === 'lab' ? <LabPanel /> : null}
      <AlertToasts />
    </>
  );
}
