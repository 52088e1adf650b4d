import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Flags Chromium needs here: root in a container, and no reaching out to Google's network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic',
];

/** CHROMIUM_PATH, then Playwright's own browser, then Debian's. Throws a one-line fix when none exists. */
export function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, safe(() => chromium.executablePath()), '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  throw new Error('No Chromium found for the end-to-end tests: run "apt-get install -y chromium" (or set CHROMIUM_PATH to a Chromium binary).');
}

function safe<T>(fn: () => T): T | undefined {
  try { return fn(); } catch { return undefined; }
}
