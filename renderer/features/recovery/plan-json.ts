import { PlanDraftSchema, type PlanDraftInput, type RecoveryPlan } from '../../../shared/model/recovery-plan.ts';

export interface PlanProblem { path: string; problem: string }

/** `groups[1].members[0].query`: the JSON path as someone reading the file looks for it (as the core writes it). */
export function jsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out;
}

/** The editable part of a stored plan: what plans.create and plans.update take. */
export function draftOf(plan: RecoveryPlan): PlanDraftInput {
  const { schemaVersion: _v, id: _id, revision: _r, updatedAt: _u, ...draft } = plan;
  return draft;
}

export const NEW_PLAN_TEMPLATE: PlanDraftInput = {
  name: 'New plan',
  description: '',
  groups: [
    { name: 'Tier 0', members: [{ query: 'tier:0' }], before: [], after: [{ kind: 'manual', name: 'Check the clinical systems', instructions: 'Ask the ward to log in to the EHR and confirm it works.' }] },
    { name: 'Tier 1', members: [{ query: 'tier:1' }] },
  ],
  dependencies: [],
  settings: { rtoTargetSec: 3600 },
};

/**
 * Checks editor text before it is sent: JSON syntax with line and column, then the plan schema
 * with the path of each problem. The core checks again; this only saves a round trip.
 */
export function checkPlanText(text: string): { ok: true; draft: PlanDraftInput } | { ok: false; problems: PlanProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    if (!position) return { ok: false, problems: [{ path: '(root)', problem: `not valid JSON: ${message}` }] };
    const before = text.slice(0, Number(position[1])).split('\n');
    return { ok: false, problems: [{ path: '(root)', problem: `not valid JSON at line ${before.length}, column ${before.at(-1)!.length + 1}: ${message}` }] };
  }
  const parsed = PlanDraftSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: jsonPath(i.path), problem: i.message })) };
  return { ok: true, draft: json as PlanDraftInput };
}
