import type { MigrationStore } from './migration-store.ts';
import { MIGRATION_PERFORMANCES, type MigrationPerformance } from '../../../shared/model/hyperv-enums.ts';
import { useMig } from './use-migration-store.ts';
import { useRefusal } from '../../platform/read-only.ts';

const PERF_LABEL: Record<MigrationPerformance, string> = { TCPIP: 'TCP/IP', Compression: 'Compression', SMB: 'SMB' };

/** Each host's migration slots, what occupies them, and its live-migration settings. */
export function LanesPanel({ store }: { store: MigrationStore }) {
  const queue = useMig(store, (s) => s.queue);
  const hosts = useMig(store, (s) => s.hosts);
  const busy = useMig(store, (s) => s.busy);
  const refusal = useRefusal();
  const resumeRefused = refusal('migration.resumeHost');
  const settingsRefused = refusal('hosts.setMigrationSettings');
  if (!queue) return null;
  const items = new Map(queue.items.map((i) => [i.id, i]));
  return (
    <section className="mig-panel" aria-label="Hosts">
      <h2>Hosts and migration slots</h2>
      <table className="mig-table" data-testid="mig-lanes">
        <thead><tr><th>Host</th><th>State</th><th>VMs</th><th>Slots</th><th>Occupied by</th><th>Max concurrent</th><th>Performance</th></tr></thead>
        <tbody>
          {queue.lanes.map((lane) => {
            const settings = hosts.find((h) => h.hostId === lane.hostId);
            return (
              <tr key={lane.hostId} data-testid={`lane-${lane.name}`}>
                <td>{lane.name}</td>
                <td>
                  <span data-testid="lane-state">{lane.state}</span>
                  {lane.state === 'Paused'
                    ? <> <button type="button" data-testid="lane-resume" disabled={busy || !!resumeRefused} onClick={() => void store.resumeHost(lane.hostId)}
                        title={resumeRefused ?? 'Resume-ClusterNode, then live-migrate the VMs its drain moved back to it'}>Resume, fail VMs back</button></>
                    : null}
                </td>
                <td data-testid="lane-vms">{lane.vmCount}</td>
                <td>
                  <span className="mig-slots" aria-label={`${lane.occupiedBy.length} of ${lane.limit} slots in use`}>
                    {Array.from({ length: Math.max(lane.limit, lane.occupiedBy.length) }, (_, i) => <span key={i} className={i < lane.occupiedBy.length ? 'mig-slot on' : 'mig-slot'} />)}
                  </span>
                </td>
                <td className="mig-occupants">{lane.occupiedBy.map((id) => {
                  const it = items.get(id);
                  return it ? `${it.vmName}${it.sourceHostId === lane.hostId ? ' →' : ' ←'}` : id;
                }).join(', ')}</td>
                <td>
                  <input
                    type="number" min={1} max={64} defaultValue={settings?.maxVmMigrations ?? lane.limit} key={`${lane.hostId}-${lane.limit}`}
                    aria-label={`Maximum concurrent migrations of ${lane.name}`} disabled={busy || !!settingsRefused} title={settingsRefused ?? undefined}
                    onBlur={(e) => {
                      const value = Number(e.target.value);
                      if (Number.isInteger(value) && value !== lane.limit) void store.setHostSettings(lane.hostId, { maxVmMigrations: value });
                    }}
                  />
                </td>
                <td>
                  <select value={lane.performance} disabled={busy || !!settingsRefused} title={settingsRefused ?? undefined} aria-label={`Migration performance option of ${lane.name}`}
                    onChange={(e) => void store.setHostSettings(lane.hostId, { performance: e.target.value as MigrationPerformance })}>
                    {MIGRATION_PERFORMANCES.map((p) => <option key={p} value={p}>{PERF_LABEL[p]}</option>)}
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
