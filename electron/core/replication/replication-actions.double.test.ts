import { afterEach } from 'vitest';
import { startDoubleBackend, type DoubleBackend } from '../testing/powershell-double/double-backend.ts';
import { createCore } from '../core.ts';
import { memoryPorts } from '../testing/memory-ports.ts';
import { protectedVmsOf, replicationActionsSuite } from '../testing/replication-actions-suite.ts';

const doubles: DoubleBackend[] = [];
afterEach(async () => { await Promise.all(doubles.splice(0).map((d) => d.hub.close())); });

/** The same actions on the PowerShell backend: every suspend, resume and read-back is a script run through the double. */
replicationActionsSuite('PowerShell through the double', async () => {
  const double = await startDoubleBackend({ seed: 4, vmCount: 30, time: 'live' });
  doubles.push(double);
  const ports = memoryPorts();
  const core = await createCore(ports, { source: double.backend, patchBatchMs: 10 });
  return { core, ports, protectedVms: await protectedVmsOf(core) };
});
