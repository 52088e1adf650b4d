import { startDoubleBackend } from '../testing/powershell-double/double-backend.ts';
import { MONITOR_START, replicationMonitorSuite } from '../testing/replication-monitor-suite.ts';

/** The same monitor tests on the inventory the PowerShell backend loads through the double. */
replicationMonitorSuite('PowerShell through the double', async () => {
  const double = await startDoubleBackend({ seed: 5, vmCount: 40, startTime: MONITOR_START, time: 'live' });
  try {
    return await double.backend.load();
  } finally {
    await double.dispose();
  }
});
