import { createLabRig } from './lab-rig.ts';
import { orchestratorSuite } from './orchestrator-suite.ts';

orchestratorSuite('the lab', createLabRig);
