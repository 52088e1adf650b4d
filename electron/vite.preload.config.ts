import { defineConfig } from 'vite';

// @electron-forge/plugin-vite makes this a single CommonJS file (.vite/build/preload.cjs): a
// sandboxed preload cannot load ES modules and may only require('electron') and a few Node
// polyfills, so the contract and zod are bundled into it.
export default defineConfig({
  build: {
    target: 'chrome140',
    sourcemap: 'inline',
  },
});
