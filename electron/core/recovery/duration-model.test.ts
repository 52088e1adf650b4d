import { describe, expect, it } from 'vitest';
import { bootLimits, bootOrder, DEFAULT_DURATION_MODEL as M, groupLowerBoundSec, uncontendedSec, type BootCandidate } from './duration-model.ts';

const GiB = 1024 ** 3;
const vm = (name: string, host: string, over: Partial<BootCandidate> = {}): BootCandidate => ({ name, host, cluster: 'CL-DR1', memoryBytes: 8 * GiB, database: false, ...over });

describe('duration model', () => {
  it('boots the slowest to healthy first: databases, then big VMs', () => {
    const order = bootOrder([vm('WEB01', 'h1'), vm('EHRDB01', 'h1', { database: true }), vm('APP01', 'h2', { memoryBytes: 64 * GiB })]);
    expect(order).toEqual(['EHRDB01', 'APP01', 'WEB01']);
  });

  it('bounds a small group by its slowest VM, a big one by what the storage serves', () => {
    const small = [vm('A', 'h1'), vm('B', 'h2', { database: true })];
    expect(groupLowerBoundSec(small)).toBe(uncontendedSec(small[1]!, M));
    const big = Array.from({ length: 160 }, (_, i) => vm(`V${i}`, `h${i % 10}`));
    const bootSec = M.bootBaseSec + 8 * M.bootPerGiBSec;
    expect(groupLowerBoundSec(big)).toBeCloseTo(M.failoverSec + M.powerOnSec + (160 * bootSec) / M.storageBootSlots + M.appStartSec, 6);
  });

  it("takes the plan's boot limits, else the hardware's slots", () => {
    expect(bootLimits({ maxBootsPerHost: null, maxBootsPerCluster: null })).toEqual({ perHost: M.hostBootSlots, perCluster: M.storageBootSlots });
    expect(bootLimits({ maxBootsPerHost: 2, maxBootsPerCluster: 40 })).toEqual({ perHost: 2, perCluster: 40 });
  });
});
