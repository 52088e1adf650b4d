import { create } from 'zustand';
import type { FailoverTarget, PreflightReport, RecoveryPointPolicy, RunType } from '../../../shared/model/recovery-run.ts';
import type { DrillRole } from '../../../shared/model/drill-session.ts';

/** The drill checklist as typed (applications comma-separated); drillChecklistDraft turns it into the request. */
export interface ChecklistForm {
  attendees: { name: string; role: DrillRole; applications: string }[];
  signOffRoles: DrillRole[];
  applications: string;
}

export const EMPTY_CHECKLIST: ChecklistForm = {
  attendees: [{ name: '', role: 'infra', applications: '' }],
  signOffRoles: ['infra', 'application-owner'],
  applications: '',
};

const list = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);

/**
 * What recovery.start takes, or null when nothing was filled in (a drill started without a
 * checklist, as before there was one); the core checks the rest (roles held by someone present, no
 * application twice) and says where.
 */
export function drillChecklistDraft(form: ChecklistForm | null) {
  if (!form) return null;
  const attendees = form.attendees.filter((a) => a.name.trim()).map((a) => ({ name: a.name.trim(), role: a.role, applications: list(a.applications) }));
  const applications = list(form.applications);
  if (attendees.length === 0 && applications.length === 0) return null;
  return { attendees, signOffRoles: form.signOffRoles, applications };
}

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
  /** Unplanned only: the DR replica, or the extended replica when the DR site is lost too. */
  target: FailoverTarget;
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
  /** Drills: the checklist to record with the start; null: none. */
  checklist: ChecklistForm | null;
  set(patch: Partial<Omit<WizardState, 'set' | 'reset' | 'choose'>>): void;
  /** A different plan or type invalidates everything after the first step. */
  choose(patch: { planId?: string; type?: RunType; target?: FailoverTarget }): void;
  reset(keep?: { planId?: string | null; type?: RunType | null }): void;
}

const initial = {
  step: 'choose' as WizardStep, planId: null, type: null, target: 'dr' as FailoverTarget, policy: { kind: 'latest' } as RecoveryPointPolicy,
  preflight: null, preflightStatus: 'idle' as const, preflightError: null, preflightNotice: null, accepted: new Set<string>(),
  confirmText: '', starting: false, startError: null, checklist: EMPTY_CHECKLIST as ChecklistForm | null,
};

/** Kept outside the view so leaving the Failover view half-way does not lose the operator's choices. */
export const useWizard = create<WizardState>((set) => ({
  ...initial,
  set: (patch) => set(patch),
  choose: (patch) => set((s) => ({
    ...patch,
    preflight: null, preflightStatus: 'idle', preflightError: null, preflightNotice: null, accepted: new Set(), confirmText: '', startError: null,
    policy: patch.type !== undefined && patch.type !== s.type ? { kind: 'latest' } : s.policy,
    target: patch.target ?? (patch.type !== undefined && patch.type !== 'unplanned-failover' ? 'dr' : s.target),
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

/** The target as the core wants it: only an unplanned failover names one, and only when it is not the DR site. */
export function targetOf(type: RunType | null, target: FailoverTarget): { target?: FailoverTarget } {
  return type === 'unplanned-failover' && target === 'extended' ? { target } : {};
}
