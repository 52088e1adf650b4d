import { fsyncSync, writeSync } from 'node:fs';
import type { AppendIo } from '../journal/durable-append.ts';

/** A disk that fills up on demand, for tests: writes fail with ENOSPC, as the kernel reports it, while `full`. */
export function fillableDisk(): AppendIo & { full: boolean } {
  const disk = {
    full: false,
    writeSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number {
      if (disk.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      return writeSync(fd, buffer, offset, length, position);
    },
    fsyncSync(fd: number): void { fsyncSync(fd); },
  };
  return disk;
}
