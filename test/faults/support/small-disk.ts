/**
 * A small disk for disk-full tests: a tmpfs of a fixed size mounted on a fresh directory (root
 * only: `mount -t tmpfs`), that a test fills to the last byte while the service writes to it, and
 * frees again by deleting the filler. A tmpfs rather than a loop device: nothing to format, and it
 * answers ENOSPC exactly like a full disk.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CAN_MOUNT = process.getuid?.() === 0 && process.platform === 'linux';

export interface SmallDisk {
  dir: string;
  /** Writes zeros into a filler file until the disk answers ENOSPC; returns the bytes written. */
  fill(): number;
  /** Deletes the filler: the space is back at once. */
  free(): void;
  /** Free bytes now, as the file system reports them. */
  available(): number;
  unmount(): Promise<void>;
}

export async function mountSmallDisk(
  sizeMb: number,
  owner?: { uid: number; gid: number },
): Promise<SmallDisk> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-small-disk-'));
  await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, 'tmpfs', dir]);
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  const filler = path.join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = fs.openSync(filler, 'a');
      let written = 0;
      try {
        // Big chunks first, then ever smaller ones, so not even a page is left over.
        for (let chunk = 1 << 20; chunk >= 512; chunk >>= 1) {
          const zeros = Buffer.alloc(chunk);
          for (;;) {
            try {
              written += fs.writeSync(fd, zeros);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
              break;
            }
          }
        }
      } finally {
        fs.closeSync(fd);
      }
      return written;
    },
    free() {
      fs.rmSync(filler, { force: true });
    },
    available() {
      const stats = fs.statfsSync(dir);
      return stats.bavail * stats.bsize;
    },
    async unmount() {
      await run('umount', [dir]).catch(() => run('umount', ['-l', dir]));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
