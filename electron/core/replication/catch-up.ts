import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ContractError } from '../../../shared/contract/errors.ts';
import { CatchUpStateSchema, type CatchUpState } from '../../../shared/model/replication.ts';
import type { Vm } from '../../../shared/model/estate.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditedBackend } from '../audit/audited-backend.ts';
import type { HyperVBackend } from '../backends/backend-port.ts';
import type { EstateStore } from '../estate/estate-store.ts';
import { isProtectedCopy } from '../estate/rpo-status.ts';
import { rewriteFile } from '../journal/rewrite-file.ts';
import { describeIoError } from '../journal/durable-append.ts';
import type { ClockPort, LoggerPort } from '../ports.ts';
import { runReplicationAction } from './replication-actions.ts';

/**
 * "Catch up tier 0 first" (issue 18, item 2). After a WAN cut every VM's backlog ships at once and the
 * link is shared fairly by every transfer, so tier 0 waits behind hundreds of tier-2 VMs. Hyper-V has
 * no per-VM WAN priority (its only knobs are the frequency and suspend/resume: Suspend-VMReplication,
 * Resume-VMReplication, learn.microsoft.com/powershell/module/hyper-v), so this suspends the lower
 * tiers' replication, lets tier 0 have the link, and resumes exactly the VMs it suspended once every
 * tier-0 VM is within its RPO (or when an operator says so). Every suspend and resume goes through
 * the audited backend and counts only after read-back.
 *
 * What it holds is on disk before it suspends anything and until everything it suspended is
 * resumed, so a console restarted mid-way resumes them (nothing stays suspended because the console
 * died). A suspended VM keeps tracking its writes (the change log grows on the host), so nothing is
 * lost by the hold, only delayed.
 */
export interface CatchUp {
  state(): CatchUpState | null;
  start(actor: string): Promise<CatchUpState>;
  /** Resume the held tiers now (an operator's call), or retry a resume that failed. */
  resumeNow(actor: string): Promise<CatchUpState>;
  /** Every estate change: resumes the held tiers once tier 0 is within RPO. */
  observe(): void;
  /** Finishes what the file says was in flight at the last stop (holding: watch; resuming: resume). */
  recover(): Promise<void>;
}

interface CatchUpOptions {
  dataDir: string;
  backend: HyperVBackend;
  estate: EstateStore;
  audit: AuditLog;
  clock: ClockPort;
  logger: LoggerPort;
  /** Told after every change of state (the summary stream carries it). */
  onChange(): void;
}

const AUTO = 'Standby (tier 0 within RPO)';

export function createCatchUp(o: CatchUpOptions): CatchUp {
  const file = join(o.dataDir, 'replication', 'catch-up.json');
  let current = load();
  let busy: Promise<CatchUpState> | null = null;

  function load(): CatchUpState | null {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return null;
    }
    try {
      return CatchUpStateSchema.parse(JSON.parse(text));
    } catch (error) {
      // Kept aside, never overwritten: it may name VMs still suspended, which someone must resume by hand.
      const aside = `${file}.unreadable-${Date.now()}`;
      try { renameSync(file, aside); } catch { /* left where it is */ }
      o.logger.error(`${file} could not be read (${error instanceof Error ? error.message : String(error)}); kept aside as ${aside}. VMs it held may still be suspended: check the Replication view.`);
      return null;
    }
  }

  function save(next: CatchUpState): void {
    mkdirSync(dirname(file), { recursive: true });
    try {
      rewriteFile(file, JSON.stringify(next));
    } catch (error) {
      throw new ContractError('backend', `Could not save the catch-up state: ${describeIoError(error)}. Nothing was suspended or resumed.`, 'catch-up');
    }
    current = next;
    o.onChange();
  }

  const backendNow = () => o.estate.snapshotClock().now;
  const audited = (actor: string) => auditedBackend(o.backend, o.audit, { actor, now: () => o.clock.now(), backendNow, context: { catchUp: current?.id ?? '' } });
  const protectedCopies = () => [...o.estate.vms()].filter(isProtectedCopy);
  const tierZeroBehind = (vms: readonly Vm[]) => vms.filter((v) => v.tier === 0 && v.rpo?.met === false);

  async function resume(actor: string): Promise<CatchUpState> {
    const state = current!;
    save({ ...state, status: 'resuming', resumedBy: actor });
    // Only what is still suspended: a VM someone resumed meanwhile is not touched again.
    const stillHeld = state.held.filter((h) => o.estate.getVm(h.vmId)?.replication?.state === 'Suspended');
    const results = stillHeld.length === 0 ? [] : await runReplicationAction(audited(actor), o.estate, stillHeld.map((h) => h.vmId), { action: 'resume' });
    const failed = results.filter((r) => r.outcome === 'failed');
    const at = backendNow();
    if (failed.length > 0) {
      const ids = new Set(failed.map((f) => f.vmId));
      save({
        ...current!, status: 'failed', held: state.held.filter((h) => ids.has(h.vmId)), endedAt: at,
        message: `${failed.length} of ${stillHeld.length} held VMs could not be resumed: ${failed.slice(0, 5).map((f) => f.message).join(' ')}${failed.length > 5 ? ` (and ${failed.length - 5} more)` : ''} Resume again, or resume them in the grid.`,
      });
    } else {
      save({ ...current!, status: 'done', endedAt: at, message: `Resumed ${stillHeld.length} VM${stillHeld.length === 1 ? '' : 's'} of tiers 1 and 2${stillHeld.length < state.held.length ? ` (${state.held.length - stillHeld.length} had been resumed already)` : ''}.` });
    }
    return current!;
  }

  const once = (work: () => Promise<CatchUpState>): Promise<CatchUpState> => {
    if (busy) return busy;
    busy = work().finally(() => { busy = null; });
    return busy;
  };

  return {
    state: () => current,

    start(actor) {
      if (current && (current.status === 'holding' || current.status === 'resuming' || current.status === 'failed')) {
        return Promise.reject(new ContractError('invalid-state', current.status === 'failed'
          ? 'The last catch-up left VMs suspended that could not be resumed; resume them first.'
          : `A catch-up started by ${current.startedBy} is already ${current.status === 'holding' ? 'holding tiers 1 and 2' : 'resuming them'}.`, 'catch-up'));
      }
      return once(async () => {
        const vms = protectedCopies();
        const behind = tierZeroBehind(vms);
        if (behind.length === 0) throw new ContractError('invalid-state', 'Every tier-0 VM is within its RPO: there is nothing to catch up first.', 'catch-up');
        const lower = vms.filter((v) => v.tier > 0 && v.replication?.state === 'Replicating');
        if (lower.length === 0) throw new ContractError('invalid-state', 'No tier-1 or tier-2 VM is replicating, so suspending them would free nothing for tier 0.', 'catch-up');
        // On disk before the first suspend: a restart from here on resumes whatever got suspended.
        save({
          id: randomUUID(), status: 'holding', startedBy: actor, startedAt: backendNow(), endedAt: null, resumedBy: null,
          held: lower.map((v) => ({ vmId: v.id, vmName: v.name, tier: v.tier })),
          message: `${behind.length} tier-0 VM${behind.length === 1 ? '' : 's'} behind RPO when it started.`,
        });
        const results = await runReplicationAction(audited(actor), o.estate, lower.map((v) => v.id), { action: 'suspend' });
        const suspended = new Set(results.filter((r) => r.outcome === 'done').map((r) => r.vmId));
        const failed = results.length - suspended.size;
        save({
          ...current!, held: current!.held.filter((h) => suspended.has(h.vmId)),
          message: `${behind.length} tier-0 VM${behind.length === 1 ? '' : 's'} behind RPO when it started; ${suspended.size} lower-tier VMs suspended${failed > 0 ? `, ${failed} could not be (they keep replicating)` : ''}.`,
        });
        return current!;
      });
    },

    resumeNow(actor) {
      if (!current || (current.status !== 'holding' && current.status !== 'failed')) {
        return Promise.reject(new ContractError('invalid-state', 'No catch-up is holding tiers 1 and 2.', 'catch-up'));
      }
      return once(() => resume(actor));
    },

    observe() {
      if (!current || current.status !== 'holding' || busy) return;
      if (tierZeroBehind(protectedCopies()).length > 0) return;
      void once(() => resume(AUTO)).catch((error: unknown) => o.logger.error('The catch-up could not resume tiers 1 and 2', { error: String(error) }));
    },

    async recover() {
      if (current?.status === 'resuming') await once(() => resume(current!.resumedBy ?? AUTO));
    },
  };
}
