import { describe } from 'vitest';
import { PWSH, PWSH_MISSING } from '../testing/powershell-double/real-pwsh.ts';
import { startEmulatedBackend } from '../testing/hyperv-emulation/emulated-backend.ts';
import { estateStoreSuite } from '../testing/estate-store-suite.ts';

/**
 * The same store tests on the inventory the PowerShell backend loads through real PowerShell: pwsh,
 * PSSessions over SSH to loopback hosts, the host scripts against the Hyper-V cmdlet emulation.
 */
if (PWSH) {
  estateStoreSuite('real PowerShell + SSH + cmdlet emulation', async () => {
    const emulated = await startEmulatedBackend({ seed: 3, vmCount: 60, startTime: 0, time: 'live', hostsPerCluster: 2 });
    try {
      return await emulated.backend.load();
    } finally {
      await emulated.dispose();
    }
  }, { sourceTimeoutMs: 240_000 });
} else {
  describe.skip(`estate store on real PowerShell (${PWSH_MISSING})`, () => {});
}
