import { AlertsPanel } from './alerts-panel.tsx';
import { AlertToasts } from './alert-toasts.tsx';
import { LabPanel } from '../lab/lab-panel.tsx';
import { useSheet } from './alerts-ui-store.ts';
import './alerts.css';

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
