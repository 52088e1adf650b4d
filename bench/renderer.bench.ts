// Renderer cost of the live estate, measured in Chromium against `npm run serve` on the lab:
// main-thread busy time per second and the longest task on the Replication view while the lab
// runs at 600×, against a baseline measured in the same run (the whole snapshot replaced every
// second); then a 10,000-VM estate: first paint of the replication view and text-filter latency.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../e2e/find-chromium.ts';
import { serveConsole } from '../e2e/serve-fixture.ts';
import { round, type Emit } from './bench-result.ts';
import { threadTimes } from './thread-times.ts';
import { buildIfStale } from '../scripts/serve.mjs';

const WINDOW_MS = 10_000;
const TRACE_MS = 5_000;

/** Long tasks and a hook on the estate store, installed before the console's own scripts run. */
const INIT = `
  window.__bench = { longTasks: [] };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__bench.longTasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
`;

/** Finds the window's estate store through React's fiber tree (the console exposes no global). */
const FIND_STORE = `(() => {
  const root = document.getElementById('root');
  const key = Object.keys(root).find((k) => k.startsWith('__reactContainer$'));
  const stack = [root[key]];
  while (stack.length) {
    const f = stack.pop();
    if (!f) continue;
    const v = f.memoizedProps && f.memoizedProps.value;
    if (v && v.estate && v.estate.store) return v.estate.store;
    if (f.child) stack.push(f.child);
    if (f.sibling) stack.push(f.sibling);
  }
  return null;
})()`;

async function openReplication(page: Page, url: string): Promise<void> {
  await page.goto(`${url}#/replication`);
  await page.getByTestId('replication-row').first().waitFor({ timeout: 60_000 });
}

async function setSpeed(page: Page, speed: string): Promise<void> {
  await page.getByTestId('lab-toggle').click();
  await page.getByTestId(`lab-speed-${speed}`).click();
  await page.waitForFunction((s) => document.querySelector(`[data-testid="lab-speed-${s}"]`)?.getAttribute('aria-checked') === 'true', speed);
  await page.getByTestId('lab-toggle').click();
}

interface Window { busyPct: number; longestMs: number; longTasks: number; vmChangesPerSec: number; longestThreadMs: number; threadBusyPct: number }

/** Main-thread busy share (CDP TaskDuration) and long tasks over WINDOW_MS. */
async function measure(page: Page, replaceEverySecond: boolean): Promise<Window> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSec = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0);
  await page.evaluate(`(() => {
    const store = ${FIND_STORE};
    window.__bench.longTasks = [];
    window.__bench.changes = 0;
    let last = store.getState().snapshot.vms;
    window.__bench.unsub = store.subscribe((s) => {
      const vms = s.snapshot.vms;
      if (vms !== last) { for (const id in vms) if (vms[id] !== last[id]) window.__bench.changes++; last = vms; }
    });
    if (${replaceEverySecond}) {
      window.__bench.timer = setInterval(() => {
        const s = store.getState();
        // A fresh object graph, as a snapshot parsed off the wire would be.
        store.setState({ snapshot: JSON.parse(JSON.stringify(s.snapshot)), structureVersion: s.structureVersion + 1 });
      }, 1000);
    }
  })()`);
  const t0 = await taskSec();
  const w0 = Date.now();
  await page.waitForTimeout(WINDOW_MS);
  const t1 = await taskSec();
  const wall = (Date.now() - w0) / 1000;
  const { longTasks, changes } = await page.evaluate(`(() => ({ longTasks: window.__bench.longTasks, changes: window.__bench.changes }))()`) as { longTasks: number[]; changes: number };
  // Then a shorter traced window, apart from the figures above (tracing costs time of its own).
  // RunTask, with its thread time, is only in this category.
  const browser = page.context().browser()!;
  await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline'] });
  await page.waitForTimeout(TRACE_MS);
  const thread = threadTimes(await browser.stopTracing());
  await page.evaluate(`(() => { clearInterval(window.__bench.timer); window.__bench.unsub(); })()`);
  await cdp.detach();
  return { busyPct: ((t1 - t0) / wall) * 100, longestMs: Math.max(0, ...longTasks), longTasks: longTasks.length, vmChangesPerSec: changes / wall, longestThreadMs: thread.longestMs, threadBusyPct: (thread.totalMs / TRACE_MS) * 100 };
}

async function liveUpdates(browser: Browser, emit: Emit): Promise<void> {
  const served = await serveConsole();
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.addInitScript(INIT);
    await openReplication(page, served.operatorUrl);
    await setSpeed(page, '600');
    await page.waitForTimeout(2_000);
    const live = await measure(page, false);
    await setSpeed(page, 'pause');
    await page.waitForTimeout(1_000);
    const base = await measure(page, true);
    emit({ name: 'replication view main-thread busy, lab at 600×', value: round(live.busyPct, 1), unit: '% of a core', bound: { op: '<=', value: 15 }, baseline: { name: 'whole snapshot replaced every second (lab paused)', value: round(base.busyPct, 1) }, vmRecordChangesPerSec: round(live.vmChangesPerSec, 0), windowMs: WINDOW_MS, threadCpuBusyPct: round(live.threadBusyPct, 1), baselineThreadCpuBusyPct: round(base.threadBusyPct, 1) });
    emit({ name: 'replication view longest task, lab at 600×', value: round(live.longestMs, 0), unit: 'ms', bound: { op: '<=', value: 50 }, baseline: { name: 'whole snapshot replaced every second (lab paused)', value: round(base.longestMs, 0) }, longTasks: live.longTasks, baselineLongTasks: base.longTasks, longestTaskThreadCpuMs: round(live.longestThreadMs, 0), baselineLongestTaskThreadCpuMs: round(base.longestThreadMs, 0) });
    await page.close();
  } finally {
    await served.stop();
  }
}

async function largeEstate(browser: Browser, emit: Emit): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'standby-bench-10k-'));
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ lab: { seed: 20261125, vmCount: 10_000 } }));
  const served = await serveConsole({ dataDir });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.addInitScript(`${INIT}
      window.__bench.firstRow = null;
      new MutationObserver((_, obs) => {
        if (document.querySelector('[data-testid="replication-row"]')) { window.__bench.firstRow = performance.now(); obs.disconnect(); }
      }).observe(document, { childList: true, subtree: true });`);
    const paints: number[] = [];
    for (let i = 0; i < 3; i++) {
      await openReplication(page, served.operatorUrl);
      paints.push(await page.evaluate('window.__bench.firstRow') as number);
    }
    const rows = Number((await page.getByTestId('replication-count').textContent())!.replace(/\D/g, ''));
    emit({ name: 'replication view first paint, 10,000-VM estate', value: round(Math.min(...paints), 0), unit: 'ms after navigation start', bound: { op: '<=', value: 1500 }, runs: paints.map((p) => round(p, 0)), protectedVms: rows });

    await setSpeed(page, '60');
    const latencies: number[] = [];
    for (const text of ['SQL', 'APP1', 'zzz-none', '']) {
      latencies.push(await page.evaluate(async (value) => {
        const input = document.querySelector<HTMLInputElement>('[data-testid="replication-search"]')!;
        const count = document.querySelector('[data-testid="replication-count"]')!;
        const before = count.textContent;
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
        const t0 = performance.now();
        setter.call(input, value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        while (count.textContent === before) await new Promise((r) => requestAnimationFrame(r));
        await new Promise((r) => requestAnimationFrame(r));
        return performance.now() - t0;
      }, text));
    }
    emit({ name: 'text filter latency, 10,000-VM estate', value: round(Math.max(...latencies), 0), unit: 'ms (worst of 4, to painted result)', bound: { op: '<=', value: 100 }, runs: latencies.map((l) => round(l, 0)) });

    const streaming = await measure(page, false);
    emit({ name: 'longest task while updates stream, 10,000-VM estate at 60×', value: round(streaming.longestMs, 0), unit: 'ms', bound: { op: '<=', value: 200 }, busyPctOfCore: round(streaming.busyPct, 1), vmRecordChangesPerSec: round(streaming.vmChangesPerSec, 0), longestTaskThreadCpuMs: round(streaming.longestThreadMs, 0), threadCpuBusyPct: round(streaming.threadBusyPct, 1) });
    await page.close();
  } finally {
    await served.stop();
  }
}

export async function run(emit: Emit): Promise<void> {
  // Measure what the sources say, not an older build left in dist/ (it happened: a stale build read 3× slower).
  buildIfStale();
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    // BENCH_QUICK=1: the 600-VM figures only; BENCH_LARGE_ONLY=1: the 10,000-VM ones only.
    if (process.env.BENCH_LARGE_ONLY !== '1') await liveUpdates(browser, emit);
    if (process.env.BENCH_QUICK !== '1') await largeEstate(browser, emit);
  } finally {
    await browser.close();
  }
}

if (import.meta.main) {
  await run((r) => console.log(JSON.stringify(r)));
}
