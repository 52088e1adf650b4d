import { defineConfig } from 'vite';

// @electron-forge/plugin-vite supplies entry, CommonJS format, output .vite/build/main.cjs and the
// externals (electron, Node built-ins). Everything else, electron-store and zod included, is
// bundled because the packaged app ships .vite/ only, without node_modules.
export default defineConfig({
  build: {
    target: 'node22',
    sourcemap: true,
  },
});
