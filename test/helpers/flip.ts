// Damage on disk, as a test makes it: one byte of a file changed in place.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { expect } from 'vitest';

/** Flips the lowest bit of the byte at `offset` of `path` (which must have it). */
export function flipByte(path: string, offset: number): void {
  const fd = openSync(path, 'r+');
  try {
    const b = Buffer.alloc(1);
    expect(readSync(fd, b, 0, 1, offset)).toBe(1);
    b[0] = b[0]! ^ 0x01;
    writeSync(fd, b, 0, 1, offset);
  } finally {
    closeSync(fd);
  }
}
