import { createDoubleRig } from './double-rig.ts';
import { orchestratorSuite } from './orchestrator-suite.ts';

/** The same orchestrator tests on the PowerShell backend, every call through node-powershell and the double. */
orchestratorSuite('PowerShell through the double', createDoubleRig);
