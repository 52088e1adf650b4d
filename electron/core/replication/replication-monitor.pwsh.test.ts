import { describe } from 'vitest';
import { PWSH, PWSH_MISSING } from '../testing/powershell-double/real-pwsh.ts';
import { startEmulatedBackend } from '../testing/hyperv-emulation/emulated-backend.ts';
import { MONITOR_START, replicationMonitorSuite } from '../testing/replication-monitor-suite.ts';

/** The same monitor tests on the inventory loaded through real PowerShell, SSH sessions and the cmdlet emulation. */
if (PWSH) {
  replicationMonitorSuite('real PowerShell + SSH + cmdlet emulation', async () => {
    const emulated = await startEmulatedBackend({ seed: 5, vmCount: 40, startTime: MONITOR_START, time: 'live', hostsPerCluster: 1 });
    try {
      return await emulated.backend.load();
    } finally {
      await emulated.dispose();
    }
  }, { sourceTimeoutMs: 240_000 });
} else {
  describe.skip(`replication monitor on real PowerShell (${PWSH_MISSING})`, () => {});
}
