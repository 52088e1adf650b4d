import { generateLabEstate } from '../backends/lab/estate-generator.ts';
import { estateStoreSuite } from '../testing/estate-store-suite.ts';

estateStoreSuite('the lab', async () => generateLabEstate({ seed: 3, vmCount: 60, startTime: 0 }));
