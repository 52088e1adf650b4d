import { describe, expect, it } from 'vitest';
import { generateLabEstate } from './estate-generator.ts';
import { clonePlain } from './clone-plain.ts';

describe('clonePlain', () => {
  it('copies every lab VM record deeply: equal, and sharing no object with the original', () => {
    const estate = generateLabEstate({ seed: 3, vmCount: 40, startTime: 0 });
    for (const vm of estate.vms) {
      const copy = clonePlain(vm);
      expect(copy).toEqual(vm);
      expect(copy).not.toBe(vm);
      if (vm.replication) expect(copy.replication).not.toBe(vm.replication);
      expect(copy.tags).not.toBe(vm.tags);
    }
  });
});
