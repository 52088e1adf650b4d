import { createCore } from '../core.ts';
import { memoryPorts, memorySettings } from '../testing/memory-ports.ts';
import { protectedVmsOf, replicationActionsSuite } from './replication-actions-suite.ts';

replicationActionsSuite('the lab', async () => {
  const ports = memoryPorts({ settings: memorySettings({ theme: 'system', rtoTargetMinutes: 60, lab: { seed: 4, vmCount: 30 } }) });
  const core = await createCore(ports, { patchBatchMs: 10 });
  return { core, ports, protectedVms: await protectedVmsOf(core) };
});
