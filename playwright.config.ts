import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './e2e/find-chromium.ts';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.e2e.ts',
  timeout: 60_000,
  // Generous: a loaded two-core runner can take seconds to serve a view; a real hang still fails.
  expect: { timeout: 20_000 },
  fullyParallel: false,
  // Files spread over two workers (each file starts its own server and data dir; tests in a file run
  // in order): most of an e2e test is waiting on simulated time, so two share the two cores well.
  workers: Number(process.env.STANDBY_E2E_WORKERS ?? 2),
  retries: 0,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/e2e.json' }]] : 'list',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    viewport: { width: 1366, height: 768 },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
