import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Transport } from '../../../shared/contract/transport.ts';
import { ServicesContext } from '../../platform/services-context.tsx';
import { WallApp } from './wall-app.tsx';
import { LivenessContext } from './wall-context.ts';
import { createWallServices } from './wall-services.ts';

/** Mounts the wall in place of the console (main.tsx decides by the address; see wall-route.ts). */
export function startWall(root: HTMLElement, transport: Transport): void {
  // Before the first render: the panels measure themselves in the wall's rem (wall.css).
  document.documentElement.classList.add('wall-mode');
  const wall = createWallServices(transport);
  createRoot(root).render(
    <StrictMode>
      <ServicesContext.Provider value={wall.services}>
        <LivenessContext.Provider value={wall.liveness}>
          <WallApp />
        </LivenessContext.Provider>
      </ServicesContext.Provider>
    </StrictMode>,
  );
}
