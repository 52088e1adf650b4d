import { defineConfig } from 'vite';

// @electron-forge/plugin-vite makes this a single CommonJS file (.vite/build/preload.cjs): a
// sandboxed preload cannot load ES modules and may only require('electron') and a few Node
// polyfills, so the contract and zod are bundled into it.
export default defineConfig(({ command }) => ({
  build: {
    target: 'chrome140',
    // Inline maps only under `electron-forge start`: they would double the packaged preload.
    sourcemap: command === 'serve' ? 'inline' : false,
  },
}));
