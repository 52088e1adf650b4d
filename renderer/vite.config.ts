import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

// The CSP goes in only at build time: the dev server injects an inline React-refresh preamble
// that a strict script-src would block.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'standby-csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' },
    ],
  };
}

// Under Electron Forge the Vite plugin passes its own env; the build must then land where the
// packaged main process loads it (.vite/renderer/main_window), not in the browser server's folder.
export default defineConfig((env) => ({
  root,
  // Relative asset URLs so the same build loads from file:// (Electron) and from the server.
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: 'forgeConfigSelf' in env ? fileURLToPath(new URL('../.vite/renderer/main_window', import.meta.url)) : '../dist/renderer',
    emptyOutDir: true,
    target: 'es2023',
    sourcemap: true,
    // Keep CSS out of JS so nothing needs an inline <style>.
    cssCodeSplit: false,
  },
}));
