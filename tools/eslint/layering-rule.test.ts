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
