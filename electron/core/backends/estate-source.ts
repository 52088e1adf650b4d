import type { BackendInfo } from '../../../shared/model/estate.ts';
import type { EstateInventory, SourcePatch } from '../estate/estate-store.ts';

/**
 * Where the estate comes from: the lab today, PowerShell sessions later. This is the part of the
 * backend port (backend-port.ts: failover, migration, replication, observation) that the estate
 * store needs; every backend implements the whole port.
 */
export interface EstateSource {
  readonly info: BackendInfo;
  load(): Promise<EstateInventory>;
  /** Starts reporting changes; the store applies them in order. */
  start(onPatches: (patches: SourcePatch[]) => void): void;
  dispose(): Promise<void>;
}
