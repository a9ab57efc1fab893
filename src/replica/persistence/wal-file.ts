// Write-ahead log for `--durability fsync` (issue #6): DIR/wal.bfs holds the
// committed batches above the last stable checkpoint, in sequence order, one
// record per batch. A record is opaque bytes here (the caller encodes the
// PRE-PREPARE as received, its requests and the view); this file only makes the
// records durable and tells good ones from damaged ones.
//
// Why per-record checksums and no header: a SIGKILL (or power loss) can leave
// a half-written last record, and a rotten sector can damage any record. We
// keep the longest prefix of good records (a committed batch is useless
// without every batch before it) and cut the file there, logging what was cut.
// Appends are fsynced before the caller sends the batch's replies, so a cut
// only ever loses batches no client saw acknowledged by this replica.
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const WAL_FILE = 'wal.bfs';
/** payload length u32 | seq u64 | SHA-256 of (seq, payload) 32 */
const RECORD_HEADER_BYTES = 4 + 8 + 32;
/** A record longer than this is damage, not data (the transport caps messages at 64 MiB). */
const RECORD_BYTES_MAX = 256 * 1024 * 1024;

export interface WalRecord { seq: number; payload: Uint8Array }

export interface WalContents {
  records: WalRecord[];
  /** Bytes of the good prefix. */
  goodBytes: number;
  /** What was wrong with the bytes after the good prefix, or null when the whole file is good. */
  problem: string | null;
}

function checksum(seq: number, payload: Uint8Array): Uint8Array {
  const seqBytes = new Uint8Array(8);
  new DataView(seqBytes.buffer).setBigUint64(0, BigInt(seq));
  return new Uint8Array(createHash('sha256').update(seqBytes).update(payload).digest());
}

export function encodeWalRecord(r: WalRecord): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_BYTES + r.payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, r.payload.length);
  view.setBigUint64(4, BigInt(r.seq));
  out.set(checksum(r.seq, r.payload), 12);
  out.set(r.payload, RECORD_HEADER_BYTES);
  return out;
}

/** The longest good prefix of records; sequence numbers must increase. */
export function decodeWal(bytes: Uint8Array): WalContents {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: WalRecord[] = [];
  let at = 0;
  const stop = (problem: string): WalContents => ({ records, goodBytes: at, problem: `${problem} at byte ${at} (after ${records.length} good records)` });
  while (at < bytes.length) {
    if (bytes.length - at < RECORD_HEADER_BYTES) return stop('truncated record header');
    const length = view.getUint32(at);
    const seq = Number(view.getBigUint64(at + 4));
    if (length > RECORD_BYTES_MAX) return stop(`record length ${length} too large`);
    if (bytes.length - at - RECORD_HEADER_BYTES < length) return stop('truncated record');
    // A copy, and a plain Uint8Array even when `bytes` is a Buffer.
    const payload = new Uint8Array(bytes.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length));
    const want = bytes.subarray(at + 12, at + RECORD_HEADER_BYTES);
    if (!checksum(seq, payload).every((b, i) => b === want[i])) return stop('checksum mismatch');
    const prev = records[records.length - 1];
    if (prev && seq <= prev.seq) return stop(`seq ${seq} not above ${prev.seq}`);
    records.push({ seq, payload });
    at += RECORD_HEADER_BYTES + length;
  }
  return { records, goodBytes: at, problem: null };
}

function fsyncDir(dir: string): void {
  const d = openSync(dir, 'r');
  try { fsyncSync(d); } finally { closeSync(d); }
}

/**
 * DIR/wal.bfs, opened for appending. Opening reads the good prefix and cuts a
 * damaged tail off (the caller logs `opened.problem`). Synchronous on purpose:
 * the runtime must not send a batch's replies before its record is on disk,
 * and a sync append keeps that ordering obvious.
 */
export class WalFile {
  private fd: number;
  private readonly path: string;
  /** Records on disk, oldest first (kept so truncation can rewrite the rest). */
  private records: WalRecord[];

  private constructor(private readonly dir: string, readonly opened: WalContents) {
    this.path = join(dir, WAL_FILE);
    this.records = [...opened.records];
    this.fd = openSync(this.path, 'a+', 0o600);
    if (opened.problem) {
      ftruncateSync(this.fd, opened.goodBytes);
      fsyncSync(this.fd);
    }
  }

  static open(dir: string): WalFile {
    let bytes: Uint8Array = new Uint8Array(0);
    try {
      bytes = readFileSync(join(dir, WAL_FILE));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${join(dir, WAL_FILE)}: cannot read: ${(err as Error).message}`, { cause: err });
    }
    return new WalFile(dir, decodeWal(bytes));
  }

  get lastSeq(): number {
    return this.records[this.records.length - 1]?.seq ?? 0;
  }

  /** Append and fsync; seqs must increase (an older or repeated seq is ignored: already logged). */
  append(seq: number, payload: Uint8Array): void {
    if (seq <= this.lastSeq) return;
    const bytes = encodeWalRecord({ seq, payload });
    writeSync(this.fd, bytes);
    fsyncSync(this.fd);
    this.records.push({ seq, payload });
  }

  /** Drop the records at or below `seq` (a stable checkpoint covers them): atomic rewrite of the rest. */
  truncateThrough(seq: number): void {
    if (this.records.length === 0 || this.records[0].seq > seq) return;
    this.records = this.records.filter((r) => r.seq > seq);
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      for (const r of this.records) writeSync(fd, encodeWalRecord(r));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    fsyncDir(this.dir);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a+', 0o600);
  }

  close(): void {
    closeSync(this.fd);
  }
}
