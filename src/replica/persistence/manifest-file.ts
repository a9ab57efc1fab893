// DIR/manifest.bfs: which checkpoint DIR holds (seq, view, state digest, the
// 2f+1 signed CHECKPOINTs) and of which partitions (index, digest and the keys
// of its segments, each a content-addressed file in DIR/partitions:
// segment-file.ts). Small (40 bytes per partition and 32 per segment: 18 KiB
// for a GiB of 16 KiB files, 33 KiB for a GiB in 4 files) and rewritten
// atomically at each stable checkpoint after the segment files it names are
// durable, so a crash leaves either the old manifest with its files or the
// new one with its files.
//
// Layout: magic 8 | body length u64 | body | SHA-256 of the body 32, where
// body = seq u64 | view u64 | state digest 32 | count u32 | count x (index
// u32 | digest 32 | segments u32 | segments x key 32) | signed CHECKPOINTs
// (signed-list.ts). The checksum finds a torn or rotten manifest; the
// partitions are checked against their digests and the listing against the
// state digest when loaded (checkpoint-load.ts).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Signed } from '../../pbft/types.js';
import { readOptionalFile, writeFileAtomic } from './durable-files.js';
import type { StoredPartition } from './segment-file.js';
import { decodeSignedList, encodeSignedList } from './signed-list.js';

export const MANIFEST_FILE = 'manifest.bfs';
const MAGIC = 'BFSMANI1';
const HEADER_BYTES = 8 + 8;
const SUM_BYTES = 32;
const DIGEST_BYTES = 32;
const PARTITION_ENTRY_BYTES = 4 + DIGEST_BYTES + 4;
/** More segments than a partition can have (256 inodes, each a head and runs of 1 MiB of a 1 TiB file at most) is damage. */
const SEGMENTS_MAX = 256 * (1 + 2 ** 20);

export interface Manifest {
  seq: number;
  view: number;
  digest: Uint8Array;
  /** Ascending by index (as FileTree.partitions() lists them). */
  partitions: StoredPartition[];
  /** The 2f+1 signed CHECKPOINTs of `seq` (empty when written without a proof at hand). */
  proof: Signed[];
}

function sha256(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(b).digest());
}

export function encodeManifest(m: Manifest): Uint8Array {
  const proof = encodeSignedList(m.proof);
  const segments = m.partitions.reduce((n, p) => n + p.segments.length, 0);
  const bodyBytes = 8 + 8 + DIGEST_BYTES + 4 + m.partitions.length * PARTITION_ENTRY_BYTES + segments * DIGEST_BYTES + proof.length;
  const out = new Uint8Array(HEADER_BYTES + bodyBytes + SUM_BYTES);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setBigUint64(8, BigInt(bodyBytes));
  let at = HEADER_BYTES;
  view.setBigUint64(at, BigInt(m.seq));
  view.setBigUint64(at + 8, BigInt(m.view));
  out.set(m.digest.subarray(0, DIGEST_BYTES), at + 16);
  view.setUint32(at + 48, m.partitions.length);
  at += 52;
  for (const p of m.partitions) {
    view.setUint32(at, p.index);
    out.set(p.digest.subarray(0, DIGEST_BYTES), at + 4);
    view.setUint32(at + 36, p.segments.length);
    at += PARTITION_ENTRY_BYTES;
    for (const key of p.segments) {
      out.set(key.subarray(0, DIGEST_BYTES), at);
      at += DIGEST_BYTES;
    }
  }
  out.set(proof, at);
  out.set(sha256(out.subarray(HEADER_BYTES, HEADER_BYTES + bodyBytes)), HEADER_BYTES + bodyBytes);
  return out;
}

/** The manifest, or a message saying what is wrong with the bytes. */
export function decodeManifest(input: Uint8Array): Manifest | string {
  // A plain view: slices of a Buffer would be Buffers.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < HEADER_BYTES + SUM_BYTES) return `truncated (${bytes.length} bytes)`;
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) return 'not a bfs checkpoint manifest (bad magic)';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bodyBytes = Number(view.getBigUint64(8));
  if (bytes.length !== HEADER_BYTES + bodyBytes + SUM_BYTES) return `truncated or padded (${bytes.length} bytes, the header says ${HEADER_BYTES + bodyBytes + SUM_BYTES})`;
  const body = bytes.subarray(HEADER_BYTES, HEADER_BYTES + bodyBytes);
  const sum = sha256(body);
  const want = bytes.subarray(HEADER_BYTES + bodyBytes);
  if (!sum.every((b, i) => b === want[i])) return 'checksum mismatch (the manifest is corrupt)';
  if (bodyBytes < 52) return 'body too short';
  const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const seq = Number(bv.getBigUint64(0));
  const mview = Number(bv.getBigUint64(8));
  const digest = body.slice(16, 48);
  const count = bv.getUint32(48);
  let at = 52;
  const partitions: StoredPartition[] = [];
  for (let i = 0; i < count; i++) {
    if (body.length - at < PARTITION_ENTRY_BYTES) return `partition ${i} of ${count} runs past the body`;
    const index = bv.getUint32(at);
    const prev = partitions[partitions.length - 1];
    if (prev && index <= prev.index) return `partition ${index} listed after ${prev.index} (not ascending)`;
    const digest = body.slice(at + 4, at + 36);
    const n = bv.getUint32(at + 36);
    at += PARTITION_ENTRY_BYTES;
    if (n === 0 || n > SEGMENTS_MAX || body.length - at < n * DIGEST_BYTES) return `partition ${index}: ${n} segments do not fit the body`;
    const segments: Uint8Array[] = [];
    for (let k = 0; k < n; k++) segments.push(body.slice(at + k * DIGEST_BYTES, at + (k + 1) * DIGEST_BYTES));
    at += n * DIGEST_BYTES;
    partitions.push({ index, digest, segments });
  }
  const proof = decodeSignedList(body.subarray(at));
  if (!proof) return 'malformed checkpoint proof';
  return { seq, view: mview, digest, partitions, proof };
}

/** DIR/manifest.bfs: null when absent; a string naming the file and the problem when unusable. */
export function readManifest(dir: string): Manifest | string | null {
  const path = join(dir, MANIFEST_FILE);
  const bytes = readOptionalFile(path);
  if (bytes === null || typeof bytes === 'string') return bytes;
  const m = decodeManifest(bytes);
  return typeof m === 'string' ? `${path}: ${m}` : m;
}

/** Atomic: tmp, fsync, rename (the caller fsyncs DIR before relying on it). Returns the bytes written. */
export async function writeManifest(dir: string, m: Manifest): Promise<number> {
  const bytes = encodeManifest(m);
  await writeFileAtomic(join(dir, MANIFEST_FILE), bytes);
  return bytes.length;
}
