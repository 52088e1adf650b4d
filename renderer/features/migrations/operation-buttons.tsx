import type { MigrationStore } from './migration-store.ts';
import { useRefusal } from '../../platform/read-only.ts';

/** Pause or resume, and stop, an operation that has not ended. */
export function OperationButtons({ store, id, status }: { store: MigrationStore; id: string; status: string }) {
  const refusal = useRefusal();
  if (status === 'completed' || status === 'failed' || status === 'cancelled') return null;
  const why = refusal('migration.pause');
  return (
    <span className="mig-buttons">
      {status === 'paused'
        ? <button type="button" disabled={!!why} title={why ?? undefined} onClick={() => void store.resume(id)}>Resume</button>
        : <button type="button" disabled={!!why} title={why ?? undefined} onClick={() => void store.pause(id)}>Pause</button>}
      <button type="button" disabled={!!why} title={why ?? undefined} onClick={() => void store.abort(id)}>Stop</button>
    </span>
  );
}
