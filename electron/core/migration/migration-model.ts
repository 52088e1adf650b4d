import type { MigrationPerformance } from '../../../shared/model/hyperv-enums.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * What a live migration costs, for planning and prediction. The defaults are the effective rates of
 * a 10 GbE migration network (the lab uses the same shape, so its predictions are near exact there);
 * correct them from measured migrations, not in the planner.
 */
export interface MigrationModel {
  /** Memory bytes per second one source host can send, shared by its concurrent migrations. */
  bytesPerSec: Record<MigrationPerformance, number>;
  setupSec: number;
  maxPreCopyRounds: number;
  blackoutBytes: number;
  hotSetShare: number;
  saveBytesPerSec: number;
  restoreBytesPerSec: number;
  offlineMoveSec: number;
  /** Share of memory a guest dirties per second, by tier (Hyper-V does not report it). */
  dirtyShareByTier: Record<0 | 1 | 2, number>;
  /**
   * The least share of memory any running guest re-dirties per second (an idle server). Lower
   * bounds count pre-copy re-sends at this rate and at the uncontended rate only, so they stay
   * below what any real migration sends. 0 makes a bound of memory bytes alone.
   */
  dirtyShareFloor: number;
}

export const DEFAULT_MIGRATION_MODEL: MigrationModel = {
  bytesPerSec: { TCPIP: 4e9 / 8, Compression: 9e9 / 8, SMB: 18e9 / 8 },
  setupSec: 2,
  maxPreCopyRounds: 8,
  blackoutBytes: 128 * MiB,
  hotSetShare: 0.1,
  saveBytesPerSec: 1.5 * GiB,
  restoreBytesPerSec: 2 * GiB,
  offlineMoveSec: 1.5,
  dirtyShareByTier: { 0: 0.016, 1: 0.0085, 2: 0.0085 },
  dirtyShareFloor: 0.002,
};

/**
 * The fewest bytes a live migration of this VM can send: memory once, plus what even an idle guest
 * re-dirties while it is copied at the full, uncontended rate (slower only re-sends more).
 */
export function minLiveBytes(memoryBytes: number, bytesPerSec: number, m: MigrationModel = DEFAULT_MIGRATION_MODEL): number {
  return liveMigration(memoryBytes, m.dirtyShareFloor, bytesPerSec, m).bytes;
}

/** Pre-copy: every round re-sends what was dirtied while the previous one was copied. */
export function liveMigration(memoryBytes: number, dirtySharePerSec: number, bytesPerSec: number, m: MigrationModel = DEFAULT_MIGRATION_MODEL): { sec: number; bytes: number } {
  const dirtyBytesPerSec = memoryBytes * dirtySharePerSec;
  let toSend = memoryBytes;
  let total = 0;
  let bytes = 0;
  for (let round = 0; round < m.maxPreCopyRounds; round++) {
    const seconds = toSend / bytesPerSec;
    total += seconds;
    bytes += toSend;
    toSend = Math.min(memoryBytes * m.hotSetShare, dirtyBytesPerSec * seconds);
    if (toSend <= m.blackoutBytes) break;
  }
  total += toSend / bytesPerSec;
  bytes += toSend;
  return { sec: m.setupSec + total, bytes };
}

export function quickMigrationSec(memoryBytes: number, m: MigrationModel = DEFAULT_MIGRATION_MODEL): number {
  return memoryBytes / m.saveBytesPerSec + m.offlineMoveSec + memoryBytes / m.restoreBytesPerSec;
}

/** The workload family of a VM by its name: "EHRDB03" → "EHRDB" (used as anti-affinity class). */
export function familyOf(vmName: string): string | null {
  const match = /^(.*?[A-Za-z])[-_ ]?\d+$/.exec(vmName.trim());
  return match ? match[1]!.toUpperCase() : null;
}
