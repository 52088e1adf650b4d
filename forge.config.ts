import { MakerSquirrel } from '@electron-forge/maker-squirrel';
import { MakerZIP } from '@electron-forge/maker-zip';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import type { ForgeConfig } from '@electron-forge/shared-types';

// Loaded by Forge through jiti, so TypeScript and ESM are fine here.
const config: ForgeConfig = {
  packagerConfig: {
    name: 'Standby',
    executableName: 'standby',
    asar: true,
    // No extension: the packager picks icon.ico on Windows, icon.icns on macOS, icon.png on Linux.
    icon: 'assets/icon',
    appCategoryType: 'public.app-category.utilities',
  },
  rebuildConfig: {},
  makers: [
    new MakerSquirrel({
      name: 'standby',
      setupIcon: 'assets/icon.ico',
      description: 'Disaster-recovery console for Hyper-V estates',
    }),
    new MakerZIP({}, ['win32', 'darwin', 'linux']),
  ],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main/main.ts', config: 'electron/vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload/preload.ts', config: 'electron/vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'renderer/vite.config.ts' }],
    }),
    // The packaged binary must not double as a general-purpose Node or load code from outside its asar.
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      // file:// pages get no more than any other origin (no fetch of local files, no service
      // workers); the console loads from its own app:// protocol and needs none of it.
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    }),
  ],
};

export default config;
