import { describe, expect, it } from 'vitest';
import { refusalFor, VIEWER_REASON } from './read-only.ts';

describe('what a viewer may not do', () => {
  it('is every channel that changes something, and nothing that only reads', () => {
    for (const channel of ['replication.act', 'migration.pause', 'migration.cancel', 'migration.startDrain', 'migration.resumeHost', 'lab.setSpeed', 'lab.injectFault', 'plans.update'] as const) {
      expect(refusalFor('viewer', channel)).toBe(VIEWER_REASON);
      expect(refusalFor('operator', channel)).toBeNull();
    }
    // Planning and reading stay open to a viewer: the server answers them.
    for (const channel of ['migration.planDrain', 'migration.planRolling', 'recovery.preflight', 'plans.export', 'lab.status'] as const) {
      expect(refusalFor('viewer', channel)).toBeNull();
    }
  });
});
