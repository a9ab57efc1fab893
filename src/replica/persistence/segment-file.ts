// A checkpoint's partitions on disk: DIR/partitions/IIIIIIII-KEY.seg, one file
// per segment of a partition (FileTree.partitionSegments: stretches of inodes,
// a big file's head and its runs of 256 blocks), named by the partition index
// (8 hex digits) and the segment's key (64), which changes only when the
// segment's content does. The name is the content's address: a segment that
// did not change since the last written checkpoint already has its file, so a
// stable checkpoint writes only the segments that changed
// (checkpoint-writer.ts): a 4 KiB write costs one stretch of small files or
// one 1 MiB run of a big file, not the partition.
//
// Layout: magic 8 | index u32 | key 32 | frames | end frame | CRC-32 u32,
// where a frame is length u32 | one chunk of the segment (the state
// transfer's unit format, src/fs/partition-chunks.ts), the end frame a length
// of 0, and the CRC covers the frames. Writing goes chunk by chunk (at most
// FILE_CHUNK_BYTES in memory, the event loop free between chunks). Loading
// pushes every segment file of a partition, in order, into one
// PartitionImport, which installs the partition only once its digest (a
// Merkle root over every block) is the manifest's; the CRC only says which
// file is damaged. A damaged or missing file is an error naming the file,
// never used.
import { closeSync, openSync, readSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { FileTree, FrozenSegments, PartitionDigest, PartitionSegment } from '../../fs/file-tree.js';

export const PARTITIONS_DIR = 'partitions';
/** Data per frame: bounds the memory of a write and how long one slice holds the event loop. */
export const FILE_CHUNK_BYTES = 1024 * 1024;
const MAGIC = 'BFSSEG01';
const HEADER_BYTES = 8 + 4 + 32;
/** A frame longer than this is damage, not data (a frame is FILE_CHUNK_BYTES plus at most one unit). */
const FRAME_BYTES_MAX = 64 * 1024 * 1024;

/** A partition as the manifest lists it: its digest and its segments' keys, in stream order. */
export interface StoredPartition extends PartitionDigest { segments: Uint8Array[] }

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

export function segmentFileName(index: number, key: Uint8Array): string {
  return `${index.toString(16).padStart(8, '0')}-${hex(key)}.seg`;
}

/** A name segmentFileName gives, or its tmp file (GC removes only these). */
export function isSegmentFileName(name: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{64}\.seg(\.tmp)?$/.test(name);
}

function header(index: number, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, index);
  out.set(key.subarray(0, 32), 12);
  return out;
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/**
 * Writes `segment` of partition `frozen.index` under its content name (tmp,
 * fsync, rename; the caller fsyncs `dir` once for all of them). Returns the
 * bytes written.
 */
export async function writeSegmentFile(dir: string, frozen: FrozenSegments, segment: PartitionSegment, chunkBytes = FILE_CHUNK_BYTES): Promise<number> {
  const path = join(dir, segmentFileName(frozen.index, segment.key));
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  let bytes = 0;
  try {
    await fh.write(header(frozen.index, segment.key));
    bytes += HEADER_BYTES;
    let crc = 0;
    let cursor: Uint8Array | undefined;
    for (;;) {
      const chunk = frozen.exportChunk(segment, cursor, chunkBytes);
      const length = u32(chunk.bytes.length);
      crc = crc32(chunk.bytes, crc32(length, crc));
      await fh.writev([length, chunk.bytes]);
      bytes += 4 + chunk.bytes.length;
      if (chunk.done) break;
      cursor = chunk.next;
    }
    const end = u32(0);
    await fh.writev([end, u32(crc32(end, crc))]);
    bytes += 8;
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

/** Pushes the frames of one segment file into `push`; throws naming the problem. Returns the file's size. */
function readSegmentFile(path: string, index: number, key: Uint8Array, push: (chunk: Uint8Array) => void): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'missing' : `cannot open: ${(err as Error).message}`, { cause: err });
  }
  try {
    const head = readAt(fd, HEADER_BYTES, 0);
    if (head.length < HEADER_BYTES) throw new Error(`truncated header (${head.length} bytes)`);
    if (new TextDecoder().decode(head.subarray(0, 8)) !== MAGIC) throw new Error('not a bfs segment file (bad magic)');
    const found = new DataView(head.buffer).getUint32(8);
    if (found !== index || hex(head.subarray(12)) !== hex(key)) throw new Error(`holds segment ${hex(head.subarray(12)).slice(0, 16)} of partition ${found}, not the one its name says`);
    let at = HEADER_BYTES;
    let crc = 0;
    for (;;) {
      const lengthBytes = readAt(fd, 4, at);
      if (lengthBytes.length < 4) throw new Error(`truncated at byte ${at} (no end frame)`);
      const length = new DataView(lengthBytes.buffer).getUint32(0);
      crc = crc32(lengthBytes, crc);
      at += 4;
      if (length === 0) break;
      if (length > FRAME_BYTES_MAX) throw new Error(`frame of ${length} bytes at byte ${at - 4} is too large`);
      const frame = readAt(fd, length, at);
      if (frame.length < length) throw new Error(`truncated at byte ${at + frame.length} (a frame of ${length} bytes)`);
      crc = crc32(frame, crc);
      push(frame);
      at += length;
    }
    const sum = readAt(fd, 5, at);
    if (sum.length < 4) throw new Error('truncated (no checksum after the end frame)');
    if (sum.length > 4) throw new Error(`trailing bytes after the checksum at byte ${at + 4}`);
    if (new DataView(sum.buffer).getUint32(0) !== crc) throw new Error('checksum mismatch (the file is corrupt)');
    return at + 4;
  } finally {
    closeSync(fd);
  }
}

/**
 * Loads partition `p` from its segment files in `dir` into `tree`, installed
 * only if its digest is `p.digest`. Throws an Error naming the file and the
 * problem (missing, truncated, corrupt, other content); the tree is then
 * unchanged. Returns the bytes read.
 */
export function loadPartitionFiles(dir: string, p: StoredPartition, tree: FileTree): number {
  const staging = tree.importPartitionChunks(p.index);
  let bytes = 0;
  for (const key of p.segments) {
    const path = join(dir, segmentFileName(p.index, key));
    try {
      bytes += readSegmentFile(path, p.index, key, (chunk) => staging.push(chunk));
    } catch (err) {
      throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  try {
    staging.finish(p.digest);
  } catch (err) {
    const first = join(dir, segmentFileName(p.index, p.segments[0] ?? new Uint8Array(32)));
    throw new Error(`${p.segments.length === 1 ? first : `${first} and ${p.segments.length - 1} more segment files`}: ${(err as Error).message}`, { cause: err });
  }
  return bytes;
}
