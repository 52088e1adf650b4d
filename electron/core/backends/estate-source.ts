import type { BackendInfo } from '../../../shared/model/estate.ts';
import type { EstateInventory, SourcePatch } from '../estate/estate-store.ts';

/**
 * Where the estate comes from: the lab today, PowerShell sessions later. The lab issue widens this
 * into the full backend port (failover, migration, faults); the estate store only needs this much.
 */
export interface EstateSource {
  readonly info: BackendInfo;
  load(): Promise<EstateInventory>;
  /** Starts reporting changes; the store applies them in order. */
  start(onPatches: (patches: SourcePatch[]) => void): void;
  dispose(): Promise<void>;
}
