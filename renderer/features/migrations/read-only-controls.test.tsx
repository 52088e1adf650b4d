import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createStore } from 'zustand/vanilla';
import { describe, expect, it } from 'vitest';
import type { MigrationQueue } from '../../../shared/model/migration.ts';
import { OperationButtons } from './operation-buttons.tsx';
import { LanesPanel } from './lanes-panel.tsx';
import { QueueTables } from './queue-tables.tsx';
import type { MigrationStore, MigrationStoreState } from './migration-store.ts';
import { VIEWER_REASON } from '../../platform/read-only.ts';
import { ServicesContext } from '../../platform/services-context.tsx';
import type { Services } from '../../platform/services.ts';

/** Just what the controls read: the session's role. */
function renderAs(role: 'operator' | 'viewer', element: ReactElement): string {
  const services = { connection: { store: createStore(() => ({ session: { role } })) } } as unknown as Services;
  return renderToStaticMarkup(<ServicesContext.Provider value={services}>{element}</ServicesContext.Provider>);
}

const queue: MigrationQueue = {
  clusterId: 'c1', clusterName: 'CL-A', now: 0, throughput: [],
  lanes: [{ hostId: 'h1', name: 'HV-A01', state: 'Paused', limit: 2, performance: 'SMB', occupiedBy: [], vmCount: 0 }],
  items: [{
    id: 'm1', vmId: 'v1', vmName: 'VM-1', sourceHostId: 'h1', destHostId: 'h1', type: 'live', purpose: 'drain', state: 'queued',
    percent: 0, bytesDone: 0, bytesTotal: 0, bytesPerSec: 0, etaSec: 0, predictedSec: 60, attempt: 1, message: null,
  }] as unknown as MigrationQueue['items'],
};
const migrationStore = (): MigrationStore => ({
  store: createStore<MigrationStoreState>(() => ({
    clusterId: 'c1', queue, hosts: [], operations: { drains: [], rolling: [] } as unknown as MigrationStoreState['operations'],
    drainPlan: null, rollingPlan: null, state: 'ready', error: null, actionError: null, busy: false,
  })),
}) as unknown as MigrationStore;

/** Every <button>, <input> and <select> in the markup, as its opening tag. */
const controls = (html: string) => html.match(/<(button|input|select)\b[^>]*>/g) ?? [];
const escaped = VIEWER_REASON.replace(/'/g, '&#x27;');

describe('the migration screen for a viewer', () => {
  it('shows the migration controls disabled with the reason on hover, and enabled for an operator', () => {
    const screens = [
      <OperationButtons store={migrationStore()} id="op1" status="running" />,
      <LanesPanel store={migrationStore()} />,
      <QueueTables store={migrationStore()} />,
    ];
    for (const screen of screens) {
      const viewer = controls(renderAs('viewer', screen));
      expect(viewer.length).toBeGreaterThan(0);
      for (const tag of viewer) {
        expect(tag).toContain('disabled=""');
        expect(tag).toContain(`title="${escaped}"`);
      }
      for (const tag of controls(renderAs('operator', screen))) {
        expect(tag).not.toContain('disabled=""');
        expect(tag).not.toContain(escaped);
      }
    }
  });
});
