import { describe, vi } from 'vitest';
import { PWSH, PWSH_MISSING } from '../testing/powershell-double/real-pwsh.ts';
import { createEmulationRig } from '../testing/hyperv-emulation/emulation-rig.ts';
import { orchestratorSuite } from '../testing/orchestrator-suite.ts';

vi.setConfig({ hookTimeout: 300_000 });

/**
 * The same orchestrator tests with every call through real PowerShell: pwsh, PSSessions over SSH to
 * one loopback pwsh per node, the host scripts against the cmdlet emulation over the lab simulation.
 * Every call is a real remoting round trip (tens of ms): `npm test` runs the drill and the unplanned
 * failover with its recovery point; STANDBY_PWSH_FULL=1 runs the whole suite (minutes per test).
 */
const only = process.env.STANDBY_PWSH_FULL === '1' ? undefined : /drill|unplanned failover after losing/;
if (PWSH) orchestratorSuite('real PowerShell + SSH + cmdlet emulation', createEmulationRig, { timeoutMs: 900_000, ...(only ? { only } : {}) });
else describe.skip(`recovery orchestrator on real PowerShell (${PWSH_MISSING})`, () => {});
