import { create } from 'zustand';
import type { PreflightReport, RecoveryPointPolicy, RunType } from '../../../shared/model/recovery-run.ts';

const WIZARD_STEPS = ['choose', 'policy', 'preflight', 'confirm'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export const WIZARD_STEP_LABEL: Record<WizardStep, string> = {
  choose: 'Plan and run type',
  policy: 'Recovery point',
  preflight: 'Preflight checks',
  confirm: 'Confirm and start',
};

export interface WizardState {
  step: WizardStep;
  planId: string | null;
  type: RunType | null;
  policy: RecoveryPointPolicy;
  preflight: PreflightReport | null;
  preflightStatus: 'idle' | 'checking' | 'done' | 'error';
  preflightError: string | null;
  /** Why the operator is back at the preflight (the start was refused on checks that changed). */
  preflightNotice: string | null;
  accepted: ReadonlySet<string>;
  confirmText: string;
  starting: boolean;
  startError: string | null;
  set(patch: Partial<Omit<WizardState, 'set' | 'reset' | 'choose'>>): void;
  /** A different plan or type invalidates everything after the first step. */
  choose(patch: { planId?: string; type?: RunType }): void;
  reset(keep?: { planId?: string | null; type?: RunType | null }): void;
}

const initial = {
  step: 'choose' as WizardStep, planId: null, type: null, policy: { kind: 'latest' } as RecoveryPointPolicy,
  preflight: null, preflightStatus: 'idle' as const, preflightError: null, preflightNotice: null, accepted: new Set<string>(),
  confirmText: '', starting: false, startError: null,
};

/** Kept outside the view so leaving the Failover view half-way does not lose the operator's choices. */
export const useWizard = create<WizardState>((set) => ({
  ...initial,
  set: (patch) => set(patch),
  choose: (patch) => set((s) => ({
    ...patch,
    preflight: null, preflightStatus: 'idle', preflightError: null, preflightNotice: null, accepted: new Set(), confirmText: '', startError: null,
    policy: patch.type !== undefined && patch.type !== s.type ? { kind: 'latest' } : s.policy,
  })),
  reset: (keep) => set({ ...initial, accepted: new Set(), planId: keep?.planId ?? null, type: keep?.type ?? null }),
}));

/** Planned failover and failback send the last changes first: there is no recovery point to choose. */
export function needsPolicy(type: RunType | null): boolean {
  return type === 'test-failover' || type === 'unplanned-failover';
}

/** Anything but a drill changes production: the core wants the plan name typed to start it. */
export function needsTypedName(type: RunType | null): boolean {
  return type !== null && type !== 'test-failover';
}

export function stepsFor(type: RunType | null): WizardStep[] {
  return WIZARD_STEPS.filter((s) => s !== 'policy' || needsPolicy(type));
}
