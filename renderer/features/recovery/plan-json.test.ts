import { describe, expect, it } from 'vitest';
import { checkPlanText, jsonPath, NEW_PLAN_TEMPLATE } from './plan-json.ts';

describe('plan editor checks', () => {
  it('writes JSON paths the way the core reports them', () => {
    expect(jsonPath([])).toBe('(root)');
    expect(jsonPath(['groups', 1, 'members', 0, 'query'])).toBe('groups[1].members[0].query');
  });

  it('accepts the new-plan template', () => {
    expect(checkPlanText(JSON.stringify(NEW_PLAN_TEMPLATE)).ok).toBe(true);
  });

  it('names the line and column of a JSON syntax error', () => {
    const result = checkPlanText('{\n  "name": "x",\n  oops\n}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]!.problem).toMatch(/line 3, column 3/);
  });

  it('names the path and problem of each schema error', () => {
    const bad = { ...NEW_PLAN_TEMPLATE, groups: [{ name: 'g', members: [{ vm: 'A', query: 'tier:0' }] }, { name: '', members: [] }] };
    const result = checkPlanText(JSON.stringify(bad));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['groups[0].members[0]', 'groups[1].name']));
    }
  });
});
