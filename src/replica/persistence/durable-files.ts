// Making a file durable: the bytes (fsync of the file) and its name (fsync of
// the directory that holds it). A rename is atomic, so a reader sees the old
// file or the new one, never half of either; without the directory fsync a
// crash could still forget the rename.
import { closeSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';

/** A file that may be absent: its bytes, null when absent, or a message naming it and why it cannot be read. */
export function readOptionalFile(path: string): Uint8Array | string | null {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return `${path}: cannot read: ${(err as Error).message}`;
  }
}

export function fsyncDirSync(dir: string): void {
  const d = openSync(dir, 'r');
  try { fsyncSync(d); } finally { closeSync(d); }
}

export async function fsyncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try { await d.sync(); } finally { await d.close(); }
}

/** Write `path` atomically: `path.tmp`, fsync, rename over `path` (the caller fsyncs the directory). */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
