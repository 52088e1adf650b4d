import { ownEntry } from '../../../shared/model/own-entry.ts';
import type { EstateSnapshot, Vm } from '../../../shared/model/estate.ts';
import type { PlanMember, PlanResolution, RecoveryPlan } from '../../../shared/model/recovery-plan.ts';
import type { RunType } from '../../../shared/model/recovery-run.ts';

/** One VM of a plan, with the copy that is failed over (target) and the one it comes from (source). */
export interface ResolvedVm {
  name: string;
  vmId: string;
  group: number;
  source: Vm;
  target: Vm;
  sourceHost: string;
  targetHost: string;
  targetCluster: string;
  dependsOn: string[];
  rpoTargetSec: number;
}

export interface ResolvedPlan extends PlanResolution {
  members: ResolvedVm[];
}

/**
 * Turns a plan's members (names and tag queries) into concrete VM copies for a run direction.
 * Failover works on the DR copy of each VM; failback on the primary-site copy after a reversal.
 * A query token `key:value` matches a tag, or `cluster:`, `host:`, `site:` of any copy, or
 * `name:` with `*` wildcards; tokens are ANDed.
 */
export function resolvePlan(plan: RecoveryPlan, estate: EstateSnapshot, type: RunType = 'unplanned-failover'): ResolvedPlan {
  const problems: PlanResolution['problems'] = [];
  const siteRole = (siteId: string) => ownEntry(estate.sites, siteId)?.role;
  const targetRole = type === 'failback' ? 'primary' : 'dr';
  const sourceRole = type === 'failback' ? 'dr' : 'primary';

  const copiesByName = new Map<string, Vm[]>();
  for (const vm of Object.values(estate.vms)) {
    if (vm.replication?.mode === 'TestReplica') continue;
    const key = vm.name.toLowerCase();
    const list = copiesByName.get(key);
    if (list) list.push(vm); else copiesByName.set(key, [vm]);
  }
  const pairOf = (copies: Vm[]): { source: Vm; target: Vm } | null => {
    const target = copies.find((c) => siteRole(c.siteId) === targetRole && c.replication?.relationship === 'Simple' && (c.replication.mode === 'Replica' || (type !== 'failback' && c.replication.mode === 'Primary')));
    const source = copies.find((c) => siteRole(c.siteId) === sourceRole);
    return target && source ? { source, target } : null;
  };

  const assigned = new Map<string, number>();
  const members: ResolvedVm[] = [];
  const groups = plan.groups.map((group, g) => {
    const names: string[] = [];
    const add = (copies: Vm[], where: string) => {
      const pair = pairOf(copies);
      const name = copies[0]!.name;
      if (!pair) {
        problems.push({ severity: 'blocker', message: `'${name}' has no ${type === 'failback' ? 'replica at the primary site (reverse replication first)' : 'replica at the DR site'}.`, where });
        return;
      }
      const earlier = assigned.get(name.toLowerCase());
      if (earlier !== undefined) {
        if (earlier !== g) return;
        return;
      }
      assigned.set(name.toLowerCase(), g);
      names.push(name);
      const targetHost = estate.hosts[pair.target.hostId];
      const rpoTargetSec = group.rpoTargetSec ?? plan.settings.rpoTargetSec ?? 2 * (pair.target.replication?.frequencySec ?? 300);
      members.push({
        name, vmId: pair.target.vmId, group: g, source: pair.source, target: pair.target,
        sourceHost: estate.hosts[pair.source.hostId]?.name ?? pair.source.hostId,
        targetHost: targetHost?.name ?? pair.target.hostId,
        targetCluster: estate.clusters[pair.target.clusterId]?.name ?? pair.target.clusterId,
        dependsOn: [], rpoTargetSec,
      });
    };
    group.members.forEach((member, m) => {
      const where = `groups[${g}].members[${m}]`;
      if ('vm' in member) {
        const copies = copiesByName.get(member.vm.toLowerCase());
        if (!copies) { problems.push({ severity: 'blocker', message: `There is no VM named '${member.vm}'.`, where }); return; }
        const earlier = assigned.get(member.vm.toLowerCase());
        if (earlier !== undefined && earlier !== g) {
          problems.push({ severity: 'warning', message: `'${member.vm}' is already in group ${earlier + 1} ("${plan.groups[earlier]!.name}"); it stays there.`, where });
          return;
        }
        add(copies, where);
        return;
      }
      const matcher = compileQuery(member, estate);
      let matched = 0;
      for (const copies of copiesByName.values()) {
        if (!copies.some((c) => c.replication !== null)) continue; // not replicated (domain controllers)
        if (!matcher(copies)) continue;
        if (!pairOf(copies)) continue;
        matched += 1;
        add(copies, where);
      }
      if (matched === 0) problems.push({ severity: 'warning', message: `The query "${member.query}" matches no replicated VM.`, where });
    });
    return { name: group.name, vms: names };
  });

  const byName = new Map(members.map((m) => [m.name.toLowerCase(), m]));
  plan.dependencies.forEach((dep, d) => {
    const where = `dependencies[${d}]`;
    const vm = byName.get(dep.vm.toLowerCase());
    if (!vm) { problems.push({ severity: 'warning', message: `'${dep.vm}' is not in this plan; its dependency is ignored.`, where }); return; }
    for (const name of dep.after) {
      const other = byName.get(name.toLowerCase());
      if (!other) { problems.push({ severity: 'warning', message: `'${dep.vm}' waits for '${name}', which is not in this plan; ignored.`, where }); continue; }
      if (other.group > vm.group) {
        problems.push({ severity: 'blocker', message: `'${dep.vm}' (group ${vm.group + 1}) waits for '${other.name}' in the later group ${other.group + 1}: it would wait forever.`, where });
        continue;
      }
      vm.dependsOn.push(other.name);
    }
  });
  const cycle = findCycle(members);
  if (cycle) problems.push({ severity: 'blocker', message: `These VMs wait for each other: ${cycle.join(' → ')}.`, where: 'dependencies' });

  return { groups, vmCount: members.length, problems, members };
}

function compileQuery(member: Extract<PlanMember, { query: string }>, estate: EstateSnapshot): (copies: Vm[]) => boolean {
  const tokens = member.query.trim().split(/\s+/).filter(Boolean).map((t) => t.toLowerCase());
  const tests = tokens.map((token): ((copies: Vm[]) => boolean) => {
    const colon = token.indexOf(':');
    const key = colon > 0 ? token.slice(0, colon) : '';
    const value = colon > 0 ? token.slice(colon + 1) : token;
    const tagged = (copies: Vm[]) => copies.some((c) => c.tags.some((t) => t.toLowerCase() === token));
    switch (key) {
      case 'cluster': return (copies) => copies.some((c) => estate.clusters[c.clusterId]?.name.toLowerCase() === value) || tagged(copies);
      case 'host': return (copies) => copies.some((c) => estate.hosts[c.hostId]?.name.toLowerCase() === value) || tagged(copies);
      case 'site': return (copies) => copies.some((c) => estate.sites[c.siteId]?.role === value || c.siteId.toLowerCase() === value) || tagged(copies);
      case 'name': {
        const pattern = new RegExp(`^${value.split('*').map(escapeRegExp).join('.*')}$`, 'i');
        return (copies) => pattern.test(copies[0]!.name);
      }
      default: return tagged;
    }
  });
  return (copies) => tests.every((test) => test(copies));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

function findCycle(members: ResolvedVm[]): string[] | null {
  const byName = new Map(members.map((m) => [m.name, m]));
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    const s = state.get(name);
    if (s === 2) return null;
    if (s === 1) return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 1);
    stack.push(name);
    for (const next of byName.get(name)?.dependsOn ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 2);
    return null;
  };
  for (const m of members) {
    const found = visit(m.name);
    if (found) return found;
  }
  return null;
}
