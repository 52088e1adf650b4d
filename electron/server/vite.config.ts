import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = `${root}dist/server`;

/** The PowerShell scripts are read from disk next to the code that runs them. */
function copyScripts(): Plugin {
  return {
    name: 'standby-copy-powershell-scripts',
    apply: 'build',
    closeBundle() {
      cpSync(`${root}electron/core/backends/powershell/scripts`, `${out}/scripts`, { recursive: true });
    },
  };
}

/**
 * The browser server as one plain-JavaScript module: Node then starts it without stripping types
 * from some two hundred .ts files, which was most of its cold start. Dependencies stay in node_modules.
 */
export default defineConfig({
  root,
  logLevel: 'warn',
  plugins: [copyScripts()],
  build: {
    ssr: 'electron/server/cli.ts',
    outDir: out,
    emptyOutDir: true,
    target: 'node22',
    minify: false,
    sourcemap: true,
    rollupOptions: { output: { entryFileNames: 'cli.mjs', format: 'es' } },
  },
});
