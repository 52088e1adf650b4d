import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'standby/layering').map((m) => m.message);
}

describe('layering lint (DESIGN.md rule 1)', () => {
  it('fails a renderer file that imports the core', async () => {
    const messages = await lint('renderer/features/x.ts', "import { createCore } from '../../electron/core/core.ts';\nexport const x = createCore;\n");
    expect(messages).toEqual([expect.stringContaining('Layer "renderer" must not import from "core"')]);
  });

  it('fails the core importing electron, and shared importing Node', async () => {
    expect(await lint('electron/core/x.ts', "import { app } from 'electron';\nexport const x = app;\n")).toHaveLength(1);
    expect(await lint('shared/model/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toHaveLength(1);
  });

  it('fails the core reaching up into the server, and the preload into the core', async () => {
    expect(await lint('electron/core/x.ts', "export { startServer } from '../server/server.ts';\n")).toHaveLength(1);
    expect(await lint('electron/preload/x.ts', "import { createCore } from '../core/core.ts';\nexport const x = createCore;\n")).toHaveLength(1);
  });

  it('allows the directions the design allows', async () => {
    expect(await lint('electron/server/x.ts', "import { createCore } from '../core/core.ts';\nimport { channels } from '../../shared/contract/channels.ts';\nexport const x = [createCore, channels];\n")).toEqual([]);
    expect(await lint('renderer/x.ts', "import { channels } from '../shared/contract/channels.ts';\nexport const x = channels;\n")).toEqual([]);
  });

  describe('renderer inner walls (DESIGN.md rule 9)', () => {
    it('fails a feature that imports the app shell', async () => {
      expect(await lint('renderer/features/lab/x.tsx', "import { App } from '../../app/app.tsx';\nexport const x = App;\n"))
        .toEqual([expect.stringContaining('renderer features never import the app shell')]);
    });
    it('fails the platform floor importing a feature', async () => {
      expect(await lint('renderer/platform/x.ts', "import { labStores } from '../features/lab/lab-store.ts';\nexport const x = labStores;\n")).toHaveLength(1);
    });
    it('fails production renderer code that imports renderer/testing, and lets test files do it', async () => {
      const code = "import { twoSiteEstate } from '../../testing/estate-fixture.ts';\nexport const x = twoSiteEstate;\n";
      expect(await lint('renderer/features/topology/x.ts', code)).toEqual([expect.stringContaining('production code never imports test code')]);
      expect(await lint('renderer/features/topology/x.test.ts', code)).toEqual([]);
      expect(await lint('renderer/app/x.tsx', "import { fakeTransport } from '../testing/fake-transport.ts';\nexport const x = fakeTransport;\n")).toHaveLength(1);
    });
    it('allows features to stand on platform/ and ui/, and the shell to compose features', async () => {
      expect(await lint('renderer/features/lab/x.ts', "import { useStoreOf } from '../../platform/services-context.tsx';\nimport { useRemPx } from '../../ui/use-rem-px.ts';\nexport const x = [useStoreOf, useRemPx];\n")).toEqual([]);
      expect(await lint('renderer/app/x.tsx', "import { LabPanel } from '../features/lab/lab-panel.tsx';\nexport const x = LabPanel;\n")).toEqual([]);
    });
  });

  it('the repository itself is clean', async () => {
    const results = await eslint.lintFiles(['shared', 'electron', 'renderer']);
    const violations = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'standby/layering').map((m) => `${r.filePath}: ${m.message}`));
    expect(violations).toEqual([]);
  }, 120_000); // lints every source file with type information: slow on a busy runner
});

describe('core inner walls (DESIGN.md rule 9)', () => {
  it('fails the lab importing the PowerShell backend, and the PowerShell backend importing the lab', async () => {
    expect(await lint('electron/core/backends/lab/x.ts', "import { createPowerShellBackend } from '../powershell/powershell-backend.ts';\nexport const x = createPowerShellBackend;\n"))
      .toEqual([expect.stringContaining('backends/lab never imports backends/powershell')]);
    expect(await lint('electron/core/backends/powershell/x.ts', "import { LabSimulation } from '../lab/simulation.ts';\nexport const x = LabSimulation;\n"))
      .toEqual([expect.stringContaining('backends/powershell never imports backends/lab')]);
  });

  it('fails a service that imports a backend folder, type-only imports included', async () => {
    expect(await lint('electron/core/recovery/x.ts', "import { isLabControl } from '../backends/lab/lab-backend.ts';\nexport const x = isLabControl;\n"))
      .toEqual([expect.stringContaining('services reach a backend only through the port')]);
    expect(await lint('electron/core/connections/x.ts', "import type { SiteSession } from '../backends/powershell/site-session.ts';\nexport type X = SiteSession;\n")).toHaveLength(1);
  });

  it('fails anything but the composition root naming a backend implementation', async () => {
    expect(await lint('electron/core/dispatcher-x.ts', "import { createLabSource } from './backends/lab/lab-source.ts';\nexport const x = createLabSource;\n"))
      .toEqual([expect.stringContaining('only the composition root (electron/core/core.ts)')]);
    expect(await lint('electron/server/x.ts', "import { createLabSource } from '../core/backends/lab/lab-source.ts';\nexport const x = createLabSource;\n")).toHaveLength(1);
  });

  it('fails production code that imports electron/core/testing, and lets test code do it', async () => {
    const code = "import { memoryPorts } from '../testing/memory-ports.ts';\nexport const x = memoryPorts;\n";
    expect(await lint('electron/core/migration/x.ts', code)).toEqual([expect.stringContaining('production code never imports test code (electron/core/testing/)')]);
    expect(await lint('electron/core/migration/x.test.ts', code)).toEqual([]);
    expect(await lint('electron/server/x.ts', "import { memoryPorts } from '../core/testing/memory-ports.ts';\nexport const x = memoryPorts;\n")).toHaveLength(1);
  });

  it('allows the port, the composition root, and test code across the backend walls', async () => {
    expect(await lint('electron/core/recovery/x.ts', "import type { HyperVBackend } from '../backends/backend-port.ts';\nimport type { EstateInventory } from '../backends/estate-source.ts';\nexport type X = [HyperVBackend, EstateInventory];\n")).toEqual([]);
    expect(await lint('electron/core/core.ts', "import { createLabSource } from './backends/lab/lab-source.ts';\nexport const x = createLabSource;\n")).toEqual([]);
    expect(await lint('electron/core/backends/powershell/x.test.ts', "import { LabSimulation } from '../lab/simulation.ts';\nexport const x = LabSimulation;\n")).toEqual([]);
    expect(await lint('electron/core/testing/x.ts', "import { LabSimulation } from '../backends/lab/simulation.ts';\nimport { startDoubleBackend } from './powershell-double/double-backend.ts';\nexport const x = [LabSimulation, startDoubleBackend];\n")).toEqual([]);
  });
});
