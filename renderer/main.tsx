// Global styles first, so each component's stylesheet (imported by its module) comes after them.
import './styles/tokens.css';
import './styles/base.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { chooseTransportForPage } from './transport/choose-transport.ts';
import { createServices } from './platform/services.ts';
import { ServicesContext } from './platform/services-context.tsx';
import { App } from './app/app.tsx';
import { isWallPage, WALL_ESTATE_EVERY_MS } from './features/wall/wall-route.ts';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

if (isWallPage(window.location.href)) {
  // A wall nobody touches must come back quickly after a server restart: 2 s between tries at most
  // (the console's 15 s cap spreads reconnects of many clients, and a wall is one of a few).
  // The estate at most every 2 s, combined by the server: at lab speeds every VM changes four times a
  // second, and parsing and applying that was most of what the wall cost; cells read across a room
  // lose nothing by it (the wall's staleness allows for it: staleness.ts).
  const transport = chooseTransportForPage({ maxBackoffMs: 2_000, streamEveryMs: { 'estate.patches': WALL_ESTATE_EVERY_MS } });
  void import('./features/wall/wall-entry.tsx').then(({ startWall }) => startWall(root, transport));
} else {
  const services = createServices(chooseTransportForPage());
  createRoot(root).render(
    <StrictMode>
      <ServicesContext.Provider value={services}>
        <App />
      </ServicesContext.Provider>
    </StrictMode>,
  );
}
