// DIR/checkpoint.bfs of earlier versions: the whole checkpoint tree's snapshot
// behind a header with its seq, state digest and a SHA-256 checksum of
// everything after the header. No longer written (a manifest and one file per
// partition replaced it: manifest-file.ts, partition-file.ts); read once when
// DIR has no manifest yet (checkpoint-load.ts), then removed by the writer. A
// truncated or corrupt file is refused with a message naming the file and the
// problem, never used. The encoder stays for tests.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Signed } from '../../pbft/types.js';
import { readOptionalFile } from './durable-files.js';
import { decodeSignedList, encodeSignedList } from './signed-list.js';

export const CHECKPOINT_FILE = 'checkpoint.bfs';
/** Version 1: the body is the snapshot. */
const MAGIC_V1 = 'BFSCKPT1';
/**
 * Version 2 (`--durability fsync` starts the core from the file, so it needs
 * the checkpoint's proof and the view): the body is snapshot length u64 |
 * snapshot | view u64 | signed CHECKPOINTs (signed-list.ts).
 */
const MAGIC = 'BFSCKPT2';
/** magic 8 | seq u64 | digest 32 | body length u64 | checksum 32 */
const HEADER_BYTES = 8 + 8 + 32 + 8 + 32;

export interface CheckpointFile {
  seq: number;
  digest: Uint8Array;
  snapshot: Uint8Array;
  /** The 2f+1 signed CHECKPOINTs (empty in a version 1 file). */
  proof?: Signed[];
  /** The view when the checkpoint became stable (0 in a version 1 file). */
  view?: number;
}

function sha256(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(b).digest());
}

function encodeBody(cp: CheckpointFile): Uint8Array {
  const proof = encodeSignedList(cp.proof ?? []);
  const body = new Uint8Array(8 + cp.snapshot.length + 8 + proof.length);
  const view = new DataView(body.buffer);
  view.setBigUint64(0, BigInt(cp.snapshot.length));
  body.set(cp.snapshot, 8);
  view.setBigUint64(8 + cp.snapshot.length, BigInt(cp.view ?? 0));
  body.set(proof, 16 + cp.snapshot.length);
  return body;
}

export function encodeCheckpointFile(cp: CheckpointFile): Uint8Array {
  const body = encodeBody(cp);
  const out = new Uint8Array(HEADER_BYTES + body.length);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setBigUint64(8, BigInt(cp.seq));
  out.set(cp.digest.subarray(0, 32), 16);
  view.setBigUint64(48, BigInt(body.length));
  out.set(sha256(body), 56);
  out.set(body, HEADER_BYTES);
  return out;
}

function decodeBody(body: Uint8Array): Pick<CheckpointFile, 'snapshot' | 'view' | 'proof'> | string {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (body.length < 16) return 'truncated body';
  const snapshotBytes = Number(view.getBigUint64(0));
  if (body.length - 16 < snapshotBytes) return `snapshot length ${snapshotBytes} runs past the body`;
  const proof = decodeSignedList(body.subarray(16 + snapshotBytes));
  if (!proof) return 'malformed checkpoint proof';
  return { snapshot: body.slice(8, 8 + snapshotBytes), view: Number(view.getBigUint64(8 + snapshotBytes)), proof };
}

/** The checkpoint, or a message saying what is wrong with the bytes. */
export function decodeCheckpointFile(bytes: Uint8Array): CheckpointFile | string {
  if (bytes.length < HEADER_BYTES) return `truncated (${bytes.length} bytes, the header alone is ${HEADER_BYTES})`;
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC && magic !== MAGIC_V1) return 'not a bfs checkpoint file (bad magic)';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const seq = Number(view.getBigUint64(8));
  const length = Number(view.getBigUint64(48));
  if (bytes.length !== HEADER_BYTES + length) return `truncated or padded (${bytes.length - HEADER_BYTES} body bytes, header says ${length})`;
  const body = bytes.subarray(HEADER_BYTES);
  const sum = sha256(body);
  const want = bytes.subarray(56, 88);
  if (!sum.every((b, i) => b === want[i])) return 'checksum mismatch (the file is corrupt)';
  const digest = new Uint8Array(bytes.slice(16, 48));
  if (magic === MAGIC_V1) return { seq, digest, snapshot: body, proof: [], view: 0 };
  const rest = decodeBody(body);
  return typeof rest === 'string' ? rest : { seq, digest, ...rest };
}

/** Read DIR/checkpoint.bfs: null when absent; a string naming the problem when unusable. */
export function readCheckpointFile(dir: string): CheckpointFile | string | null {
  const path = join(dir, CHECKPOINT_FILE);
  const bytes = readOptionalFile(path);
  if (bytes === null || typeof bytes === 'string') return bytes;
  const cp = decodeCheckpointFile(bytes);
  return typeof cp === 'string' ? `${path}: ${cp}` : cp;
}
