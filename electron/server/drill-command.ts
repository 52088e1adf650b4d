import { cpSync, mkdirSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDuration } from '../../shared/format/duration.ts';
import type { ChannelName, RequestOf, ResponseOf } from '../../shared/contract/channels.ts';
import { createCore, type Core } from '../core/core.ts';
import { memorySecrets, systemClock, type LoggerPort } from '../core/ports.ts';
import { verifyEvidence } from '../core/recovery/evidence/evidence-files.ts';
import { chromiumPdfPrinter } from './chromium-pdf.ts';
import { createConfSettings } from './conf-settings.ts';

export const DRILL_USAGE = `Usage: npx standby drill --plan PLAN-ID [--backend lab|powershell] [--report DIR] [--data-dir DIR]
       npx standby verify DIR [--data-dir DIR]

drill    runs preflight, a test failover of the plan, waits for every VM, cleans up, proves the
         cleanup by reading the hosts back and writes the evidence pack (data folder, and DIR with
         --report). Progress goes to stderr, one summary line to stdout. Exit status: 0 when the
         plan met its RTO target and the cleanup was proven; 1 when it did not; 2 on bad arguments
         or when the drill could not be run.
verify   checks an evidence pack folder against its hashes and the run journal's hash chain.

  --plan ID       the plan's id (as in the plans folder; the default plan is "full-site")
  --backend KIND  lab (the simulated estate, run as fast as possible) or powershell (the estate
                  the Connections screen set up); default: whichever the console uses
  --report DIR    also copy the evidence pack (HTML, PDF, JSON, schema, SHA256SUMS) to DIR
  --data-dir DIR  where settings, plans, runs and evidence are kept (default ~/.standby)`;

/** A user-facing failure: the message is the whole story; the exit status says what kind. */
class DrillError extends Error {
  readonly status: number;
  constructor(message: string, status = 2) { super(message); this.status = status; }
}

const OPERATOR = { role: 'operator' as const, actor: `headless drill (${safeUserName()})` };

function safeUserName(): string {
  try { return userInfo().username; } catch { return process.env.USER ?? process.env.USERNAME ?? 'unknown user'; }
}
const POLL_MS = 500;

/** `standby drill` / `standby verify`: answers the exit status. */
export async function drillCommand(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    if (command === 'verify') return verifyCommand(rest);
    if (command !== 'drill') throw new DrillError(`Unknown command "${command ?? ''}".`);
    const { values } = parseArgs({
      args: rest, strict: true,
      options: { plan: { type: 'string' }, backend: { type: 'string' }, report: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) { process.stdout.write(`${DRILL_USAGE}\n`); return 0; }
    if (!values.plan) throw new DrillError('--plan is required: name the plan to drill (its id, e.g. full-site).');
    if (values.backend !== undefined && values.backend !== 'lab' && values.backend !== 'powershell') throw new DrillError(`--backend must be lab or powershell (got "${values.backend}").`);
    const dataDir = resolve(values['data-dir'] ?? join(homedir(), '.standby'));
    return await runDrill({ planId: values.plan, backend: values.backend as 'lab' | 'powershell' | undefined, report: values.report ? resolve(values.report) : null, dataDir, log });
  } catch (error) {
    const status = error instanceof DrillError ? error.status : 2;
    log(`standby ${command ?? ''}: ${error instanceof Error ? error.message : String(error)}`);
    if (!(error instanceof DrillError) && (error as { code?: string }).code === undefined) log(`\n${DRILL_USAGE}`);
    return status;
  }
}

function verifyCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { 'data-dir': { type: 'string' } } });
  if (positionals.length !== 1) throw new DrillError('verify takes one folder: the evidence pack to check.');
  const verdict = verifyEvidence(resolve(positionals[0]!), resolve(values['data-dir'] ?? join(homedir(), '.standby')));
  for (const check of verdict.checks) process.stderr.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}\n`);
  process.stdout.write(`${verdict.ok ? 'VERIFIED' : 'NOT VERIFIED'} ${verdict.dir}\n`);
  return verdict.ok ? 0 : 1;
}

async function runDrill(o: { planId: string; backend: 'lab' | 'powershell' | undefined; report: string | null; dataDir: string; log: (line: string) => void }): Promise<number> {
  const logger: LoggerPort = { debug: () => {}, info: () => {}, warn: (m) => o.log(`warning: ${m}`), error: (m) => o.log(`error: ${m}`) };
  const printPdf = await chromiumPdfPrinter();
  const core = await createCore({
    settings: createConfSettings(o.dataDir, logger), secrets: memorySecrets(), clock: systemClock, logger, dataDir: o.dataDir,
    ...(printPdf ? { printPdf } : {}),
  }, o.backend ? { backend: o.backend } : {});
  const call = <C extends ChannelName>(channel: C, body: RequestOf<C>) => core.handle(channel, body, OPERATOR) as Promise<ResponseOf<C>>;
  let restoreSpeed: (() => Promise<unknown>) | null = null;
  try {
    const info = await call('session.info', {});
    if (o.backend && info.backend !== o.backend) {
      throw new DrillError(o.backend === 'powershell' ? 'No PowerShell connection is set up in this data folder: set one up in the console\'s Connections screen first.' : `The console uses the ${info.backend} backend here.`);
    }
    if (info.backend === 'lab') {
      const before = await call('lab.status', {});
      await call('lab.setSpeed', { speed: 'max' });
      restoreSpeed = () => call('lab.setSpeed', { speed: before.speed });
    }
    const plan = await call('plans.get', { id: o.planId }).catch(async (error: unknown) => {
      const { plans } = await call('plans.list', {});
      throw new DrillError(`${(error as Error).message} Plans here: ${plans.map((p) => p.id).join(', ') || 'none'}.`);
    });
    o.log(`Drill of "${plan.plan.name}" on ${info.backend} (data folder ${o.dataDir})`);
    const prediction = await call('recovery.predict', { id: o.planId, type: 'test-failover' });
    o.log(`Predicted RTO ${prediction.range ? `${formatDuration(prediction.range.lowSec)}–${prediction.range.highSec === null ? '?' : formatDuration(prediction.range.highSec)}` : formatDuration(prediction.rtoSec ?? 0)} against ${formatDuration(prediction.rtoTargetSec)} (${prediction.wallMs} ms; ${prediction.calibration.text})`);
    const preflight = await call('recovery.preflight', { id: o.planId, type: 'test-failover', policy: { kind: 'latest' } });
    if (preflight.blockers.length > 0) throw new DrillError(`Preflight found ${preflight.blockers.length} blockers: ${preflight.blockers.map((b) => b.message).join(' ')}`, 1);
    for (const w of preflight.warnings) o.log(`accepted warning: ${w.message}`);
    const started = await call('recovery.start', { id: o.planId, type: 'test-failover', policy: { kind: 'latest' }, acceptedWarnings: preflight.warnings.map((w) => w.id) });
    o.log(`Run ${started.id}: ${started.vms.length} VMs`);
    await waitFor(core, started.id, o.log, (run) => run.status === 'completed' || run.status === 'aborted');
    await call('recovery.finish', { runId: started.id, action: 'cleanup' });
    o.log('Cleaning up the test VMs');
    await waitFor(core, started.id, o.log, (run) => run.finishes.some((f) => f.action === 'cleanup' && (f.status === 'done' || f.status === 'done-with-errors')) && run.status !== 'finishing');
    const summary = await call('recovery.summary', { runId: started.id });
    const evidence = await call('recovery.evidence', { runId: started.id });
    const pack = JSON.parse(evidence.json) as { cleanup: { status: string; text: string } };
    o.log(pack.cleanup.text);
    if (evidence.pdfProblem) o.log(evidence.pdfProblem);
    let where = evidence.dir;
    if (o.report) {
      mkdirSync(o.report, { recursive: true });
      cpSync(evidence.dir, o.report, { recursive: true });
      where = o.report;
    }
    const met = summary.rtoVerdict === 'met';
    const proven = pack.cleanup.status === 'proven';
    process.stdout.write(`drill ${o.planId}: RTO ${summary.achievedRtoSec === null ? 'not reached' : formatDuration(summary.achievedRtoSec)} against ${formatDuration(summary.rtoTargetSec)} — ${met ? 'target met' : 'TARGET MISSED'}; ${summary.vmsHealthy}/${summary.vms.length} VMs healthy; cleanup ${proven ? 'proven' : 'NOT PROVEN'}; evidence ${where}; run ${started.id}\n`);
    return met && proven ? 0 : 1;
  } finally {
    await restoreSpeed?.().catch(() => {});
    await core.dispose();
  }
}

type Run = ResponseOf<'recovery.get'>;

/** Polls the run, printing progress when it changes; a VM that needs a decision is skipped (a miss), a manual step stops the drill. */
async function waitFor(core: Core, runId: string, log: (line: string) => void, done: (run: Run) => boolean): Promise<void> {
  let last = '';
  for (;;) {
    const run = await core.handle('recovery.get', { runId }, OPERATOR) as Run;
    const healthy = run.vms.filter((vm) => vm.timing.healthyAt !== null).length;
    const line = `${run.status}: ${healthy}/${run.vms.length} VMs healthy, group ${Math.min(run.groups.length, run.groups.filter((g) => g.status === 'done').length + 1)} of ${run.groups.length}`;
    if (line !== last) { log(line); last = line; }
    if (done(run)) return;
    const manual = run.groups.flatMap((g) => [...g.before, ...g.after]).find((s) => s.status === 'waiting-operator');
    if (manual) {
      await core.handle('recovery.abort', { runId }, OPERATOR);
      throw new DrillError(`The plan has a step that needs a person ("${manual.label}"); a headless drill cannot do it, so the run was aborted.`, 1);
    }
    for (const vm of run.vms.filter((v) => v.status === 'waiting-operator')) {
      log(`${vm.name} failed (${vm.steps.find((s) => s.error)?.error?.message ?? 'no detail'}): skipped, counted as a miss`);
      await core.handle('recovery.decide', { runId, vm: vm.name, decision: 'skip' }, OPERATOR);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
