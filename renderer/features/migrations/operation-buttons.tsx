import type { MigrationStore } from './migration-store.ts';

/** Pause or resume, and stop, an operation that has not ended. */
export function OperationButtons({ store, id, status }: { store: MigrationStore; id: string; status: string }) {
  if (status === 'completed' || status === 'failed' || status === 'cancelled') return null;
  return (
    <span className="mig-buttons">
      {status === 'paused'
        ? <button type="button" onClick={() => void store.resume(id)}>Resume</button>
        : <button type="button" onClick={() => void store.pause(id)}>Pause</button>}
      <button type="button" onClick={() => void store.abort(id)}>Stop</button>
    </span>
  );
}
