/**
 * The lab's virtual switches and test-failover network settings. Every host has an External
 * production switch; DR hosts also have a Private switch for test failovers. Replicas point their
 * test network at it, except a few that show the two mistakes drills really hit: no test switch set
 * (the test VM starts unplugged) and the production switch set (the test VM joins production next
 * to its running primary). Derived from names so the lab and the PowerShell double agree.
 */
const PRODUCTION_SWITCH = 'vSwitch-Prod';
const TEST_SWITCH = 'DR-Test-Isolated';

export type SwitchType = 'Private' | 'Internal' | 'External';

export function hostSwitches(atDrSite: boolean): { Name: string; SwitchType: SwitchType }[] {
  const switches: { Name: string; SwitchType: SwitchType }[] = [{ Name: PRODUCTION_SWITCH, SwitchType: 'External' }];
  if (atDrSite) switches.push({ Name: TEST_SWITCH, SwitchType: 'Private' });
  return switches;
}

/** The switch a replica's test VM connects to, or null when none is configured. */
export function testSwitchOf(vmName: string): string | null {
  const h = hash(vmName);
  if (h % 149 === 0) return null;
  if (h % 151 === 0) return PRODUCTION_SWITCH;
  return TEST_SWITCH;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}
