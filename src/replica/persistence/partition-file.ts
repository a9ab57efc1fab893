// One state partition of a checkpoint on disk: DIR/partitions/IIIIIIII-DIGEST.part
// (index in 8 hex digits, the partition digest in 64). The name is the
// content's address: a partition that did not change since the last written
// checkpoint already has its file, so a stable checkpoint writes only the
// partitions that changed (checkpoint-writer.ts).
//
// Layout: magic 8 | index u32 | digest 32 | frames | end frame, where a frame
// is length u32 | one chunk of FileTree.exportPartitionChunk (the state
// transfer's unit format, src/fs/partition-chunks.ts) and the end frame is a
// length of 0. Writing goes chunk by chunk (at most FILE_CHUNK_BYTES of
// partition data in memory, the event loop free between chunks); reading
// stages the chunks in a PartitionImport, which installs the partition only
// once its digest equals the expected one. So no checksum of our own: the
// digest (a Merkle root over every block) finds any damage, and a damaged or
// missing file is an error naming the file, never used.
import { closeSync, openSync, readSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileTree, PartitionDigest } from '../../fs/file-tree.js';

export const PARTITIONS_DIR = 'partitions';
/** Partition data per frame: bounds the memory of a write and how long one slice holds the event loop. */
export const FILE_CHUNK_BYTES = 1024 * 1024;
const MAGIC = 'BFSPART1';
const HEADER_BYTES = 8 + 4 + 32;
/** A frame longer than this is damage, not data (a frame is FILE_CHUNK_BYTES plus at most one unit). */
const FRAME_BYTES_MAX = 64 * 1024 * 1024;
const SUFFIX = '.part';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

export function partitionFileName(p: PartitionDigest): string {
  return `${p.index.toString(16).padStart(8, '0')}-${hex(p.digest)}${SUFFIX}`;
}

/** A name partitionFileName gives (GC removes the others' leftovers: tmp files). */
export function isPartitionFileName(name: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{64}\.part$/.test(name);
}

function header(p: PartitionDigest): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, p.index);
  out.set(p.digest.subarray(0, 32), 12);
  return out;
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/**
 * Writes partition `p` of `tree` to `dir` under its content name (tmp,
 * fsync, rename; the caller fsyncs `dir` once for all of them). `tree` must
 * hold `p` with that digest until the promise settles. Returns the bytes
 * written.
 */
export async function writePartitionFile(dir: string, tree: FileTree, p: PartitionDigest, chunkBytes = FILE_CHUNK_BYTES): Promise<number> {
  const path = join(dir, partitionFileName(p));
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  let bytes = 0;
  try {
    await fh.write(header(p));
    bytes += HEADER_BYTES;
    let cursor: Uint8Array | undefined;
    for (;;) {
      const chunk = tree.exportPartitionChunk(p.index, cursor, chunkBytes);
      await fh.writev([u32(chunk.bytes.length), chunk.bytes]);
      bytes += 4 + chunk.bytes.length;
      if (chunk.done) break;
      cursor = chunk.next;
    }
    await fh.write(u32(0));
    bytes += 4;
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  return bytes;
}

/** Reads exactly `length` bytes at `position`; fewer means the file ended. */
function readAt(fd: number, length: number, position: number): Uint8Array {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, out, got, length - got, position + got);
    if (n === 0) return out.subarray(0, got);
    got += n;
  }
  return out;
}

/**
 * Loads partition `p` from its file in `dir` into `tree`, installed only if
 * its digest is `p.digest`. Throws an Error naming the file and the problem
 * (missing, truncated, malformed, other content); the tree is then unchanged.
 * Returns the file's size.
 */
export function loadPartitionFile(dir: string, p: PartitionDigest, tree: FileTree): number {
  const path = join(dir, partitionFileName(p));
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${path}: missing` : `${path}: cannot open: ${(err as Error).message}`, { cause: err });
  }
  try {
    const head = readAt(fd, HEADER_BYTES, 0);
    if (head.length < HEADER_BYTES) throw new Error(`truncated header (${head.length} bytes)`);
    if (new TextDecoder().decode(head.subarray(0, 8)) !== MAGIC) throw new Error('not a bfs partition file (bad magic)');
    const index = new DataView(head.buffer).getUint32(8);
    if (index !== p.index || hex(head.subarray(12)) !== hex(p.digest)) throw new Error(`holds partition ${index} ${hex(head.subarray(12)).slice(0, 16)}, not the one its name says`);
    const staging = tree.importPartitionChunks(p.index);
    let at = HEADER_BYTES;
    for (;;) {
      const lengthBytes = readAt(fd, 4, at);
      if (lengthBytes.length < 4) throw new Error(`truncated at byte ${at} (no end frame)`);
      const length = new DataView(lengthBytes.buffer).getUint32(0);
      at += 4;
      if (length === 0) break;
      if (length > FRAME_BYTES_MAX) throw new Error(`frame of ${length} bytes at byte ${at - 4} is too large`);
      const frame = readAt(fd, length, at);
      if (frame.length < length) throw new Error(`truncated at byte ${at + frame.length} (a frame of ${length} bytes)`);
      staging.push(frame);
      at += length;
    }
    if (readAt(fd, 1, at).length !== 0) throw new Error(`trailing bytes after the end frame at byte ${at}`);
    staging.finish(p.digest);
    return at;
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(message.startsWith(path) ? message : `${path}: ${message}`, { cause: err });
  } finally {
    closeSync(fd);
  }
}
