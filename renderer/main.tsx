// Global styles first, so each component's stylesheet (imported by its module) comes after them.
import './styles/tokens.css';
import './styles/base.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { chooseTransportForPage } from './transport/choose-transport.ts';
import { createServices } from './platform/services.ts';
import { ServicesContext } from './platform/services-context.tsx';
import { App } from './app/app.tsx';

const services = createServices(chooseTransportForPage());
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>
  </StrictMode>,
);
