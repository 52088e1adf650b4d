import { useMemo } from 'react';
import type { MigrationItem } from '../../../shared/model/migration.ts';
import type { MigrationStore } from './migration-store.ts';
import { fmtBytes, fmtDuration, fmtRate, hostName, sections, TYPE_LABEL } from './queue-model.ts';
import { useMig } from './use-migration-store.ts';
import { useRefusal } from '../../platform/read-only.ts';

/** The cluster's migrations: in progress, queued, failed and finished. */
export function QueueTables({ store }: { store: MigrationStore }) {
  const queue = useMig(store, (s) => s.queue);
  const s = useMemo(() => sections(queue), [queue]);
  const cancelRefused = useRefusal()('migration.cancel');
  if (!queue) return null;
  const row = (item: MigrationItem) => (
    <tr key={item.id} data-testid="mig-item" data-state={item.state}>
      <td>{item.vmName}</td>
      <td>{hostName(queue, item.sourceHostId)} → {hostName(queue, item.destHostId)}</td>
      <td>{TYPE_LABEL[item.type]}{item.purpose === 'failback' ? ' · failback' : item.purpose === 'external' ? ' · other' : ''}</td>
      <td>
        {item.state === 'running'
          ? <progress max={100} value={item.percent} aria-label={`${item.vmName} ${item.percent}%`} />
          : item.state}
        {item.attempt > 1 ? ` (attempt ${item.attempt})` : ''}
      </td>
      <td>{item.bytesTotal > 0 ? `${fmtBytes(item.bytesDone)} / ${fmtBytes(item.bytesTotal)}` : '—'}</td>
      <td>{fmtRate(item.bytesPerSec)}</td>
      <td>{item.state === 'running' ? fmtDuration(item.etaSec) : item.state === 'queued' ? `~${fmtDuration(item.predictedSec)}` : ''}</td>
      <td className="mig-msg">{item.message ?? ''}</td>
      <td>{item.state === 'queued' && item.purpose !== 'external' ? <button type="button" disabled={!!cancelRefused} title={cancelRefused ?? undefined} onClick={() => void store.cancel(item.id)}>Cancel</button> : null}</td>
    </tr>
  );
  const table = (title: string, items: MigrationItem[], testId: string) => (
    <section className="mig-panel" aria-label={title}>
      <h2>{title} <span className="mig-count" data-testid={`${testId}-count`}>{items.length}</span></h2>
      {items.length > 0 ? (
        <table className="mig-table" data-testid={testId}>
          <thead><tr><th>VM</th><th>Move</th><th>Type</th><th>Progress</th><th>Bytes</th><th>Speed</th><th>ETA</th><th /><th /></tr></thead>
          <tbody>{items.slice(0, 200).map(row)}</tbody>
        </table>
      ) : null}
    </section>
  );
  return (
    <>
      {table('In progress', s.running, 'mig-running')}
      {table('Queued', s.queued, 'mig-queued')}
      {table('Failed', s.failed, 'mig-failed')}
      {table('Finished', s.finished.slice(0, 100), 'mig-finished')}
    </>
  );
}
