import type { BackendInfo, Clock, Cluster, Patch, Site, Vm } from '../../../shared/model/estate.ts';
import type { HostInventory } from '../../../shared/model/host-usage.ts';

/** What a backend reports: like Patch, but hosts come without the figures the store derives. */
export type SourcePatch =
  | Exclude<Patch, { op: 'put'; kind: 'host' }>
  | { op: 'put'; kind: 'host'; value: HostInventory };

/** The whole estate as a backend reads it at start; the store derives the host figures. */
export interface EstateInventory {
  backend: BackendInfo;
  clock: Clock;
  sites: Site[];
  clusters: Cluster[];
  hosts: HostInventory[];
  vms: Vm[];
}

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
