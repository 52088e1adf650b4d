import type { Host } from '../../../shared/model/estate.ts';
import type { HealthTally } from './topology-index.ts';

/**
 * What a host row's replication cell leads with. The counts are the last health the core read
 * for the VMs placed there; a node that is Down (or Unknown) cannot vouch for them, so it never
 * reads "All normal" — the row says the node is down and how many copies that leaves unchecked.
 */
export function hostHealthHeadline(state: Host['state'], tally: HealthTally | undefined): { tone: 'ok' | 'crit' | 'warn'; text: string } | null {
  if (state === 'Down' || state === 'Unknown') {
    const copies = tally ? tally.normal + tally.warning + tally.critical : 0;
    return { tone: state === 'Down' ? 'crit' : 'warn', text: `Node ${state.toLowerCase()}${copies > 0 ? ` · ${copies} cop${copies === 1 ? 'y' : 'ies'} not reporting` : ''}` };
  }
  return tally?.worst === 'Normal' ? { tone: 'ok', text: 'All normal' } : null;
}
