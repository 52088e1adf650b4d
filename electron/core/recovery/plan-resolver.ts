import { ownEntry } from '../../../shared/model/own-entry.ts';
import type { EstateSnapshot, SiteRole, Vm } from '../../../shared/model/estate.ts';
import type { PlanMember, PlanResolution, RecoveryPlan, RunDirection } from '../../../shared/model/recovery-plan.ts';
import type { FailoverTarget, RunType } from '../../../shared/model/recovery-run.ts';

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
export function resolvePlan(plan: RecoveryPlan, estate: EstateSnapshot, type: RunType = 'unplanned-failover', failoverTarget: FailoverTarget = 'dr'): ResolvedPlan {
  const problems: PlanResolution['problems'] = [];
  const siteRole = (siteId: string) => ownEntry(estate.sites, siteId)?.role;
  // The third copy: the extended replica at the cloud site, whose own primary is the DR copy.
  const extended = type === 'unplanned-failover' && failoverTarget === 'extended';
  const targetRole: SiteRole = type === 'failback' ? 'primary' : extended ? 'cloud' : 'dr';
  const sourceRole: SiteRole = type === 'failback' || extended ? 'dr' : 'primary';

  // Copies of one VM share its VMId; names need not be unique (DOMAIN.md), so a name finds VMIds.
  const copiesById = new Map<string, Vm[]>();
  for (const vm of Object.values(estate.vms)) {
    if (vm.replication?.mode === 'TestReplica') continue;
    const list = copiesById.get(vm.vmId);
    if (list) list.push(vm); else copiesById.set(vm.vmId, [vm]);
  }
  const idsByName = new Map<string, string[]>();
  for (const [vmId, copies] of copiesById) {
    const key = copies[0]!.name.toLowerCase();
    idsByName.set(key, [...(idsByName.get(key) ?? []), vmId]);
  }
  const hostName = (vm: Vm) => ownEntry(estate.hosts, vm.hostId)?.name ?? vm.hostId;
  const siteName = (siteId: string) => ownEntry(estate.sites, siteId)?.name ?? siteId;
  const isSimple = (c: Vm, mode: 'Primary' | 'Replica') => c.replication?.relationship === 'Simple' && c.replication.mode === mode;
  /**
   * Planned failover and failback move a VM from where it runs now (its Primary copy) to its Replica:
   * a VM already on the other side is named, not aimed the wrong way ("not a primary virtual machine").
   */
  const pairOf = (copies: Vm[]): { source: Vm; target: Vm } | { problem: string } => {
    const name = copies[0]!.name;
    if (type === 'planned-failover' || type === 'failback') {
      const source = copies.find((c) => isSimple(c, 'Primary'));
      const target = copies.find((c) => isSimple(c, 'Replica'));
      if (!source || !target) return { problem: `'${name}' has no primary–replica pair to move (reverse replication first).` };
      if (siteRole(source.siteId) !== sourceRole) {
        return { problem: `'${name}' already runs at ${siteName(source.siteId)} (${hostName(source)}): ${type === 'failback' ? 'there is nothing to fail back' : 'bring it home with a failback instead'}.` };
      }
      if (siteRole(target.siteId) !== targetRole) return { problem: `'${name}' replicates to ${siteName(target.siteId)}, not to the ${targetRole === 'dr' ? 'DR' : 'primary'} site.` };
      return { source, target };
    }
    const target = extended
      ? copies.find((c) => siteRole(c.siteId) === 'cloud' && c.replication?.mode === 'ExtendedReplica')
      : copies.find((c) => siteRole(c.siteId) === targetRole && c.replication?.relationship === 'Simple' && (c.replication.mode === 'Replica' || c.replication.mode === 'Primary'));
    const source = copies.find((c) => siteRole(c.siteId) === sourceRole);
    return target && source ? { source, target } : { problem: `'${name}' has no ${extended ? 'extended replica at the cloud site' : 'replica at the DR site'}.` };
  };

  const assigned = new Map<string, number>();
  const members: ResolvedVm[] = [];
  const groups = plan.groups.map((group, g) => {
    const names: string[] = [];
    const add = (copies: Vm[], where: string) => {
      const pair = pairOf(copies);
      const name = copies[0]!.name;
      if ('problem' in pair) {
        problems.push({ severity: 'blocker', message: pair.problem, where });
        return;
      }
      if (assigned.has(pair.target.vmId)) return;
      assigned.set(pair.target.vmId, g);
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
        const ids = idsByName.get(member.vm.toLowerCase());
        if (!ids) { problems.push({ severity: 'blocker', message: `There is no VM named '${member.vm}'.`, where }); return; }
        if (ids.length > 1) { problems.push({ severity: 'blocker', message: `${ids.length} different VMs are named '${member.vm}' (VMIds ${ids.join(', ')}): name one with a query such as "name:… host:…".`, where }); return; }
        const earlier = assigned.get(ids[0]!);
        if (earlier !== undefined && earlier !== g) {
          problems.push({ severity: 'warning', message: `'${member.vm}' is already in group ${earlier + 1} ("${plan.groups[earlier]!.name}"); it stays there.`, where });
          return;
        }
        add(copiesById.get(ids[0]!)!, where);
        return;
      }
      const matcher = compileQuery(member, estate);
      let matched = 0;
      const elsewhere: string[] = [];
      let firstProblem = '';
      for (const copies of copiesById.values()) {
        if (!copies.some((c) => c.replication !== null)) continue; // not replicated (domain controllers)
        if (!matcher(copies)) continue;
        const pair = pairOf(copies);
        if ('problem' in pair) {
          // Already on the other side (or never paired): a planned direction names them once.
          if (type === 'planned-failover' || type === 'failback') {
            elsewhere.push(copies[0]!.name);
            firstProblem ||= pair.problem;
          }
          continue;
        }
        matched += 1;
        add(copies, where);
      }
      if (elsewhere.length > 0) {
        const list = elsewhere.sort().slice(0, 8).join(', ') + (elsewhere.length > 8 ? ` and ${elsewhere.length - 8} more` : '');
        // None left to move: the plan is being run the wrong way round, which is a blocker, not a note.
        problems.push({
          severity: matched === 0 ? 'blocker' : 'warning',
          message: `${elsewhere.length} VM${elsewhere.length === 1 ? '' : 's'} matched by "${member.query}" cannot be moved this way and ${elsewhere.length === 1 ? 'is' : 'are'} left out (${list}); for example ${firstProblem}`,
          where,
        });
      } else if (matched === 0) {
        problems.push({ severity: 'warning', message: `The query "${member.query}" matches no replicated VM.`, where });
      }
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

  return { direction: directionOf(estate, members, sourceRole, targetRole), groups, vmCount: members.length, problems, members };
}

/** The sites most of the run's VMs leave and reach; from the site roles when the plan resolves to nothing. */
function directionOf(estate: EstateSnapshot, members: readonly ResolvedVm[], sourceRole: SiteRole, targetRole: SiteRole): RunDirection | null {
  const commonest = (ids: string[], role: SiteRole) => {
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const best = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? Object.values(estate.sites).find((s) => s.role === role)?.id;
    const site = best ? estate.sites[best] : undefined;
    return site ? { siteId: site.id, name: site.name, role: site.role } : null;
  };
  const from = commonest(members.map((m) => m.source.siteId), sourceRole);
  const to = commonest(members.map((m) => m.target.siteId), targetRole);
  return from && to ? { from, to } : null;
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
