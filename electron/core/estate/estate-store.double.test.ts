import { startDoubleBackend } from '../testing/powershell-double/double-backend.ts';
import { estateStoreSuite } from '../testing/estate-store-suite.ts';

/** The same store tests on the inventory the PowerShell backend loads through the double. */
estateStoreSuite('PowerShell through the double', async () => {
  const double = await startDoubleBackend({ seed: 3, vmCount: 60, startTime: 0, time: 'live' });
  try {
    return await double.backend.load();
  } finally {
    await double.dispose();
  }
});
