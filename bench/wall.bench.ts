import { randomBytes } from 'node:crypto';
// The NOC wall in Chromium against `npm run serve` on the lab (issue 14):
// - cost: main-thread busy share and the longest task at 3840×2160 with the lab at 600×;
// - memory: JS heap (after a forced GC) after 60 simulated minutes with the primary→DR WAN link
//   cut and restored every 5 simulated minutes, against the heap after the first 5; DOM nodes too.
//   The schedule is the one the issue states at 60×; it is driven at 600× (same simulated times,
//   the lab paused at each step) so the figure takes a minute rather than an hour;
// - reconnect: the server killed (SIGKILL) and started again on the same port and tokens; the time
//   from it printing its links to the wall showing fresh data (its staleness banner gone).
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../e2e/find-chromium.ts';
import { connectToCore } from '../e2e/core-socket.ts';
import { serveConsole, type ServedConsole } from '../e2e/serve-fixture.ts';
import { buildIfStale } from '../scripts/serve.mjs';
import { round, type Emit } from './bench-result.ts';
import { threadTimes } from './thread-times.ts';

const WINDOW_MS = 10_000;
const TRACE_MS = 10_000;
const MINUTE = 60_000;
const LONG_TASKS = `
  window.__wallBench = { longTasks: [] };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__wallBench.longTasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
`;

type Api = Awaited<ReturnType<typeof connectToCore>>;

async function openWall(browser: Browser, served: ServedConsole): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 3840, height: 2160 } });
  await page.addInitScript(LONG_TASKS);
  await page.goto(served.wallUrl!);
  await page.locator('.heat-cell[data-status]').first().waitFor({ timeout: 60_000 });
  await page.getByTestId('wall-stale').waitFor({ state: 'detached', timeout: 30_000 });
  return page;
}

async function cost(browser: Browser, served: ServedConsole, api: Api, emit: Emit): Promise<void> {
  const page = await openWall(browser, served);
  await api.call('lab.setSpeed', { speed: 600 });
  await page.waitForTimeout(3_000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSec = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0);
  await page.evaluate('window.__wallBench.longTasks = []');
  const t0 = await taskSec();
  const w0 = Date.now();
  await page.waitForTimeout(WINDOW_MS);
  const busyPct = ((await taskSec() - t0) / ((Date.now() - w0) / 1000)) * 100;
  const longTasks = await page.evaluate('window.__wallBench.longTasks') as number[];
  const cells = await page.locator('.heat-cell[data-status]').count();
  // The bound is judged on the main thread's own CPU time (trace tdur): "% of a core". Wall-clock
  // task time (CDP TaskDuration, the long-task observer) also counts the time the OS gave other
  // processes, which on a loaded two-core runner is most of it; both are reported.
  await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline'] });
  await page.waitForTimeout(TRACE_MS);
  const thread = threadTimes(await browser.stopTracing());
  emit({
    name: 'NOC wall main-thread CPU, 3840×2160, lab at 600×', value: round((thread.totalMs / TRACE_MS) * 100, 1), unit: '% of a core',
    bound: { op: '<=', value: 5 }, wallClockBusyPct: round(busyPct, 1), windowMs: TRACE_MS, cells,
  });
  emit({
    name: 'NOC wall longest main-thread task (CPU), 3840×2160, lab at 600×', value: round(thread.longestMs, 1), unit: 'ms',
    bound: { op: '<=', value: 49.9 }, wallClockLongTasks: longTasks.length, wallClockLongestMs: round(Math.max(0, ...longTasks), 0), windowMs: WINDOW_MS,
  });
  await api.call('lab.setSpeed', { speed: 'pause' });
  await cdp.detach();
  await page.close();
}

/** Runs the lab at `speed` until its clock reaches `until`, then pauses it there. */
async function runUntil(api: Api, until: number, speed: 600): Promise<void> {
  await api.call('lab.setSpeed', { speed });
  for (;;) {
    const { now } = await api.call('lab.status', {}) as { now: number };
    if (now >= until) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(200, Math.max(5, (until - now) / speed / 2))));
  }
  await api.call('lab.setSpeed', { speed: 'pause' });
}

async function heap(cdp: CDPSession): Promise<{ usedBytes: number; nodes: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const { nodes } = await cdp.send('Memory.getDOMCounters');
  return { usedBytes: usedSize, nodes };
}

async function memory(browser: Browser, served: ServedConsole, api: Api, emit: Emit): Promise<void> {
  await api.call('lab.setSpeed', { speed: 'pause' });
  const page = await openWall(browser, served);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const start = (await api.call('lab.status', {}) as { now: number }).now;
  let first: { usedBytes: number; nodes: number } | null = null;
  let flaps = 0;
  for (let minute = 0; minute < 60; minute += 5) {
    // Cut at the start of each 5 minutes, restored half-way through.
    const fault = await api.call('lab.injectFault', { kind: 'wan-cut', link: 'primary-dr' }) as { id: string };
    flaps += 1;
    await runUntil(api, start + (minute + 2.5) * MINUTE, 600);
    await api.call('lab.clearFault', { faultId: fault.id });
    await runUntil(api, start + (minute + 5) * MINUTE, 600);
    if (minute === 0) {
      // Let the wall apply what the last second brought before it is weighed.
      await page.waitForTimeout(2_000);
      first = await heap(cdp);
    }
  }
  await page.waitForTimeout(2_000);
  const last = await heap(cdp);
  const alerts = Number(await page.getByTestId('wall-alert-count').getAttribute('data-count'));
  emit({
    name: 'NOC wall JS heap after 60 simulated minutes, WAN flap every 5 minutes', value: round(last.usedBytes / first!.usedBytes, 3), unit: '× heap after the first 5 minutes',
    bound: { op: '<=', value: 1.1 }, baseline: { name: 'heap after the first 5 minutes (MB)', value: round(first!.usedBytes / 1e6, 2) },
    heapMb: round(last.usedBytes / 1e6, 2), domNodesAfter5Min: first!.nodes, domNodesAfter60Min: last.nodes, flaps, openAlertsAtEnd: alerts, drivenAt: '600× (lab paused at each step)',
  });
  await cdp.detach();
  await page.close();
}

async function reconnect(browser: Browser, served: ServedConsole, emit: Emit): Promise<ServedConsole> {
  const page = await openWall(browser, served);
  const port = new URL(served.origin).port;
  const env = { STANDBY_TOKEN: new URL(served.operatorUrl).searchParams.get('token')!, STANDBY_VIEWER_TOKEN: new URL(served.viewerUrl).searchParams.get('token')! };
  await served.stop('SIGKILL');
  await page.getByTestId('wall-stale').waitFor({ timeout: 10_000 });
  // Down long enough for the page's retry delay to reach its cap.
  await page.waitForTimeout(8_000);
  const back = await serveConsole({ args: ['--wall', '--port', port], env, dataDir: served.dataDir });
  const backAt = Date.now();
  await page.getByTestId('wall-stale').waitFor({ state: 'detached', timeout: 60_000 });
  emit({ name: 'NOC wall fresh data after the server is killed and restarted', value: Date.now() - backAt, unit: 'ms after the server is back (links printed)', bound: { op: '<=', value: 5_000 }, downForMs: 8_000 });
  await page.close();
  return back;
}

export async function run(emit: Emit): Promise<void> {
  buildIfStale();
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  let served = await serveConsole({ args: ['--wall', '--port', '0'] });
  // A fixed port, so the restarted server is where the page reconnects.
  const port = new URL(served.origin).port;
  await served.stop();
  served = await serveConsole({ args: ['--wall', '--port', port], env: { STANDBY_TOKEN: randomBytes(24).toString('base64url'), STANDBY_VIEWER_TOKEN: randomBytes(24).toString('base64url') } });
  try {
    const api = await connectToCore(served);
    await cost(browser, served, api, emit);
    await memory(browser, served, api, emit);
    api.close();
    served = await reconnect(browser, served, emit);
  } finally {
    await browser.close();
    await served.stop();
  }
}

if (import.meta.main) {
  await run((r) => console.log(JSON.stringify(r)));
}
