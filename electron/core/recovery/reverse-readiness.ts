import type { EstateSnapshot } from '../../../shared/model/estate.ts';
import type { VmRun } from '../../../shared/model/recovery-run.ts';
import type { SiteReach } from '../backends/backend-port.ts';

const LIST_MAX = 6;

/**
 * Before `Set-VMReplication -Reverse` on every failed-over VM: the site replication goes back to must
 * answer, the hosts the former primaries sit on must be up (Hyper-V contacts each one: "the server
 * could not be contacted"), and no former primary may be running (two live copies of one VM). Each
 * problem is one sentence for all the VMs it concerns, so an operator reads a reason, not 596
 * failures. Read from the estate and the sessions (no host calls): it is asked again every
 * WAIT_RETRY_SEC while a reverse waits. Free space on the returning site's replica storage has no
 * port call yet and is not checked here; a full disk still fails the VMs, with the host's reason.
 */
export function reverseReadiness(vms: readonly VmRun[], estate: EstateSnapshot, reach: readonly SiteReach[]): string[] {
  const hostsByName = new Map(Object.values(estate.hosts).map((h) => [h.name.toLowerCase(), h]));
  const reachBySite = new Map(reach.map((r) => [r.siteId, r]));
  const problems: string[] = [];
  const sites = new Map<string, { down: Set<string>; hosts: Set<string> }>();
  const running: string[] = [];
  const copyAt = new Map(Object.values(estate.vms).map((c) => [`${c.vmId}|${c.hostId}`, c]));
  for (const vm of vms) {
    const host = hostsByName.get(vm.sourceHost.toLowerCase());
    if (!host) { problems.push(`The host ${vm.sourceHost} that '${vm.name}' returns to is not in the estate any more.`); continue; }
    const site = sites.get(host.siteId) ?? { down: new Set<string>(), hosts: new Set<string>() };
    site.hosts.add(host.name);
    if (host.state === 'Down') site.down.add(host.name);
    sites.set(host.siteId, site);
    const former = copyAt.get(`${vm.vmId}|${host.id}`);
    if (former && former.state !== 'Off') running.push(`${vm.name} (${former.state})`);
  }
  for (const [siteId, site] of sites) {
    const name = estate.sites[siteId]?.name ?? siteId;
    const r = reachBySite.get(siteId);
    if (!r) problems.push(`No connection is configured for ${name}, where replication would go back to.`);
    else if (r.state !== 'connected' && r.state !== 'degraded') problems.push(`${name} is ${r.state}${r.problem ? ` (${r.problem.replace(/[.\s]+$/, '')})` : ''}; replication can go back there only once it answers.`);
    if (site.down.size > 0) {
      problems.push(`${site.down.size} of the ${site.hosts.size} hosts at ${name} the VMs return to ${site.down.size === 1 ? 'is' : 'are'} down: ${list([...site.down])}.`);
    }
  }
  if (running.length > 0) {
    problems.push(`${running.length} former primar${running.length === 1 ? 'y is' : 'ies are'} running again at the primary site: ${list(running)}. Shut ${running.length === 1 ? 'it' : 'them'} down first: two live copies of one VM would both take writes.`);
  }
  return problems;
}

function list(names: string[]): string {
  const sorted = names.sort();
  return sorted.slice(0, LIST_MAX).join(', ') + (sorted.length > LIST_MAX ? ` and ${sorted.length - LIST_MAX} more` : '');
}
