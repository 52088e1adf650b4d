import { useEffect } from 'react';
import { useConnection } from '../../platform/services-context.tsx';
import { useAppliedTheme } from '../../platform/use-applied-theme.ts';
import { useRemPx } from '../../ui/use-rem-px.ts';
import { ActivityPanel } from './activity-panel.tsx';
import { HeatmapPanel } from './heatmap-panel.tsx';
import { RpoPanel } from './rpo-panel.tsx';
import { StaleBanner } from './stale-banner.tsx';
import { WallAlerts } from './wall-alerts.tsx';
import { useLiveness } from './wall-context.ts';
import { WallHeader } from './wall-header.tsx';
import { WanPanel } from './wan-panel.tsx';
import './wall.css';

/**
 * The NOC wall: one screen, nothing to click, type sized by the viewport (wall.css), so 1920×1080
 * and 3840×2160 show the same layout at 24 px and 48 px body type.
 */
export function WallApp() {
  useAppliedTheme();
  useEffect(() => { document.title = 'Standby — NOC wall'; }, []);
  const stale = useLiveness((s) => s.staleness.stale);
  const unauthorized = useConnection((s) => s.state === 'unauthorized');
  const remPx = useRemPx();
  return (
    <div className="wall" data-testid="wall" data-stale={stale}>
      <StaleBanner />
      <WallHeader />
      {unauthorized ? (
        <p className="wall-refused" role="alert">The Standby server refused this wall's link. Open the wall link printed by <code>npm run serve -- --wall</code>.</p>
      ) : (
        <main className="wall-grid">
          <HeatmapPanel />
          <div className="wall-col">
            <RpoPanel />
            <WanPanel remPx={remPx} />
          </div>
          <div className="wall-col">
            <ActivityPanel />
            <WallAlerts />
          </div>
        </main>
      )}
    </div>
  );
}
