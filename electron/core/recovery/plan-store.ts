import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { ContractError } from '../../../shared/contract/errors.ts';
import {
  PLAN_SCHEMA_VERSION, PlanDraftSchema, RecoveryPlanSchema,
  type PlanDraft, type PlanFileError, type PlanSummary, type RecoveryPlan,
} from '../../../shared/model/recovery-plan.ts';
import { DEFAULT_PLAN_ID, fullSitePlan } from './default-plan.ts';

interface LoadedPlans {
  plans: { plan: RecoveryPlan; file: string }[];
  invalid: PlanFileError[];
}

/**
 * Plans as one JSON file each in `<dataDir>/plans`, readable and diffable so they can live in git.
 * A file is loaded whole or not at all; what is wrong is reported with the file and the JSON path.
 */
export class PlanStore {
  readonly dir: string;
  private readonly now: () => Date;

  constructor(dataDir: string, now: () => Date = () => new Date()) {
    this.dir = join(dataDir, 'plans');
    this.now = now;
  }

  /** Creates the folder with the default plan the first time; a deleted default stays deleted. */
  async init(): Promise<void> {
    if (existsSync(this.dir)) return;
    await mkdir(this.dir, { recursive: true });
    await this.write({ ...fullSitePlan(), schemaVersion: PLAN_SCHEMA_VERSION, id: DEFAULT_PLAN_ID, revision: 1, updatedAt: this.now().toISOString() });
  }

  async load(): Promise<LoadedPlans> {
    await mkdir(this.dir, { recursive: true });
    const files = (await readdir(this.dir)).filter((f) => f.endsWith('.json')).sort();
    const out: LoadedPlans = { plans: [], invalid: [] };
    for (const name of files) {
      const result = parsePlanText(await readFile(join(this.dir, name), 'utf8'), name);
      if (!result.ok) { out.invalid.push(...result.errors); continue; }
      const plan = result.plan;
      if (`${plan.id}.json` !== name) {
        out.invalid.push({ file: name, path: 'id', problem: `the id "${plan.id}" does not match the file name; rename the file to ${plan.id}.json or change the id` });
        continue;
      }
      out.plans.push({ plan, file: name });
    }
    return out;
  }

  async get(id: string): Promise<{ plan: RecoveryPlan; file: string }> {
    const file = this.fileOf(id);
    if (!existsSync(join(this.dir, file))) throw new ContractError('not-found', `There is no recovery plan "${id}".`, id);
    const result = parsePlanText(await readFile(join(this.dir, file), 'utf8'), file);
    if (!result.ok) {
      const first = result.errors[0]!;
      throw new ContractError('invalid-state', `${first.file}: ${first.path}: ${first.problem}`, `${first.file}#${first.path}`);
    }
    return { plan: result.plan, file };
  }

  async create(draft: PlanDraft, preferredId?: string): Promise<RecoveryPlan> {
    const id = await this.freeId(preferredId ?? slug(draft.name));
    const plan: RecoveryPlan = { ...draft, schemaVersion: PLAN_SCHEMA_VERSION, id, revision: 1, updatedAt: this.now().toISOString() };
    await this.write(plan);
    return plan;
  }

  async update(id: string, expectedRevision: number, draft: PlanDraft): Promise<RecoveryPlan> {
    const { plan: current } = await this.get(id);
    if (current.revision !== expectedRevision) {
      throw new ContractError('invalid-state', `The plan "${current.name}" was changed elsewhere (revision ${current.revision}, you edited ${expectedRevision}). Reload it and edit again.`, id);
    }
    const plan: RecoveryPlan = { ...draft, schemaVersion: PLAN_SCHEMA_VERSION, id, revision: current.revision + 1, updatedAt: this.now().toISOString() };
    await this.write(plan);
    return plan;
  }

  async duplicate(id: string, name?: string): Promise<RecoveryPlan> {
    const { plan } = await this.get(id);
    const { schemaVersion: _v, id: _id, revision: _r, updatedAt: _u, ...draft } = plan;
    return this.create({ ...draft, name: name ?? `${plan.name} (copy)` });
  }

  async remove(id: string, expectedRevision: number): Promise<void> {
    const { plan } = await this.get(id);
    if (plan.revision !== expectedRevision) throw new ContractError('invalid-state', `The plan "${plan.name}" was changed elsewhere; reload it before deleting.`, id);
    await rm(join(this.dir, this.fileOf(id)));
  }

  /** Import accepts a whole plan file or a bare draft; the id is kept when free, unless replacing. */
  async import(text: string, fileName: string, replace: boolean): Promise<RecoveryPlan> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ContractError('bad-request', `${fileName}: ${jsonProblem(text, error)}`, fileName);
    }
    const asFile = RecoveryPlanSchema.safeParse(json);
    if (asFile.success) {
      const { schemaVersion: _v, id, revision: _r, updatedAt: _u, ...draft } = asFile.data;
      if (replace && existsSync(join(this.dir, this.fileOf(id)))) {
        const { plan } = await this.get(id);
        return this.update(id, plan.revision, draft);
      }
      return this.create(draft, id);
    }
    const isFileShaped = typeof json === 'object' && json !== null && 'schemaVersion' in json;
    const asDraft = PlanDraftSchema.safeParse(json);
    if (asDraft.success && !isFileShaped) return this.create(asDraft.data);
    const errors = zodProblems(isFileShaped ? asFile.error : asDraft.error ?? asFile.error, fileName);
    const first = errors[0]!;
    throw new ContractError('bad-request', `${first.file}: ${first.path}: ${first.problem}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`, `${first.file}#${first.path}`);
  }

  async export(id: string): Promise<{ fileName: string; text: string }> {
    const { plan, file } = await this.get(id);
    return { fileName: file, text: serialize(plan) };
  }

  summaries(loaded: LoadedPlans): PlanSummary[] {
    return loaded.plans.map(({ plan, file }) => ({
      id: plan.id, name: plan.name, description: plan.description, revision: plan.revision, updatedAt: plan.updatedAt, file,
      groupCount: plan.groups.length, memberCount: plan.groups.reduce((n, g) => n + g.members.length, 0),
    }));
  }

  private fileOf(id: string): string {
    if (!/^[a-z0-9][a-z0-9-]{0,79}$/.test(id)) throw new ContractError('bad-request', `"${id}" is not a plan id.`, id);
    return `${id}.json`;
  }

  private async freeId(base: string): Promise<string> {
    const root = base || 'plan';
    for (let n = 1; ; n++) {
      const id = n === 1 ? root : `${root.slice(0, 75)}-${n}`;
      if (!existsSync(join(this.dir, `${id}.json`))) return id;
    }
  }

  /** Write-then-rename: a crash leaves the old file or the new one, never half of one. */
  private async write(plan: RecoveryPlan): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${plan.id}.json`);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, serialize(plan));
    await rename(temp, file);
  }
}

function serialize(plan: RecoveryPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

function parsePlanText(text: string, file: string): { ok: true; plan: RecoveryPlan } | { ok: false; errors: PlanFileError[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [{ file, path: '(root)', problem: jsonProblem(text, error) }] };
  }
  const parsed = RecoveryPlanSchema.safeParse(json);
  if (!parsed.success) return { ok: false, errors: zodProblems(parsed.error, file) };
  return { ok: true, plan: parsed.data };
}

/** `groups[1].members[0].query`, as a person reading the file would look for it. */
export function jsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out;
}

function zodProblems(error: z.ZodError, file: string): PlanFileError[] {
  return error.issues.map((issue) => ({ file, path: jsonPath(issue.path), problem: issue.message }));
}

function jsonProblem(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (!position) return `not valid JSON: ${message}`;
  const offset = Number(position[1]);
  const before = text.slice(0, offset).split('\n');
  return `not valid JSON at line ${before.length}, column ${before[before.length - 1]!.length + 1}: ${message}`;
}

function slug(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
}
