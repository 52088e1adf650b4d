import { createLabRig } from '../testing/lab-rig.ts';
import { orchestratorSuite } from '../testing/orchestrator-suite.ts';

orchestratorSuite('the lab', createLabRig);
