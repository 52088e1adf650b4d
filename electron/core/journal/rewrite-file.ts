import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * Replaces a file whole: a temporary file of its own beside it, written, fsync'd and renamed over
 * it, so a crash leaves the old file or the new one. When the disk refuses, the old file stays as
 * it was, no temporary is left, and the error is thrown.
 */
export function rewriteFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
