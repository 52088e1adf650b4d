import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { FuseV1Options } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import config from '../forge.config.ts';

describe('the packaged app\'s fuses', () => {
  it('turn off what the console never uses: running as Node, NODE_OPTIONS, the inspector, file:// extra privileges', () => {
    const plugin = config.plugins?.find((p): p is FusesPlugin => p instanceof FusesPlugin);
    expect(plugin).toBeDefined();
    expect(plugin!.fusesConfig).toMatchObject({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    });
  });
});
