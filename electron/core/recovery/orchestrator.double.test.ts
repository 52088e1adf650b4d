import { createDoubleRig } from '../testing/double-rig.ts';
import { orchestratorSuite } from '../testing/orchestrator-suite.ts';

/** The same orchestrator tests on the PowerShell backend, every call through node-powershell and the double. */
// Every call is a real round trip through a child process, a few ms each: a run takes seconds, not ms.
orchestratorSuite('PowerShell through the double', createDoubleRig, { timeoutMs: 90_000 });
