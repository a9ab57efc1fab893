// The write-ahead log file of `--durability fsync`: records survive a reopen,
// a damaged tail is cut at the last good record, truncation drops what a
// stable checkpoint covers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WAL_FILE, WalFile, decodeWal, encodeWalRecord } from '../../src/replica/persistence/wal-file.js';

function payloadOf(seq: number): Uint8Array {
  return new Uint8Array(10 + seq).fill(seq & 0xff);
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'bfs-wal-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

function fill(dir: string, seqs: number[]): void {
  const wal = WalFile.open(dir);
  for (const s of seqs) wal.append(s, payloadOf(s));
  wal.close();
}

test('appended records read back in order after a reopen; an old seq is not appended twice', () => withDir((dir) => {
  fill(dir, [1, 2, 3]);
  const wal = WalFile.open(dir);
  wal.append(2, payloadOf(99));
  assert.equal(wal.opened.problem, null);
  assert.deepEqual(wal.opened.records.map((r) => r.seq), [1, 2, 3]);
  assert.deepEqual(wal.opened.records[1].payload, payloadOf(2));
  assert.equal(wal.lastSeq, 3);
  wal.close();
  assert.equal(WalFile.open(dir).opened.records.length, 3);
}));

test('a half-written last record is cut off, and appends continue after the good prefix', () => withDir((dir) => {
  fill(dir, [1, 2]);
  const path = join(dir, WAL_FILE);
  const good = statSync(path).size;
  appendFileSync(path, encodeWalRecord({ seq: 3, payload: payloadOf(3) }).subarray(0, 20));
  const wal = WalFile.open(dir);
  assert.match(wal.opened.problem ?? '', /truncated record/);
  assert.deepEqual(wal.opened.records.map((r) => r.seq), [1, 2]);
  assert.equal(statSync(path).size, good);
  wal.append(3, payloadOf(3));
  wal.close();
  const again = WalFile.open(dir);
  assert.equal(again.opened.problem, null);
  assert.deepEqual(again.opened.records.map((r) => r.seq), [1, 2, 3]);
  again.close();
}));

test('a rotten byte in a middle record keeps only the records before it', () => withDir((dir) => {
  fill(dir, [1, 2, 3]);
  const path = join(dir, WAL_FILE);
  const bytes = readFileSync(path);
  const second = encodeWalRecord({ seq: 1, payload: payloadOf(1) }).length;
  bytes[second + 50] ^= 0xff;
  writeFileSync(path, bytes);
  const wal = WalFile.open(dir);
  assert.match(wal.opened.problem ?? '', /checksum mismatch/);
  assert.deepEqual(wal.opened.records.map((r) => r.seq), [1]);
  wal.close();
}));

test('decreasing seqs and absurd lengths are damage, not records', () => {
  const a = encodeWalRecord({ seq: 5, payload: payloadOf(5) });
  const b = encodeWalRecord({ seq: 4, payload: payloadOf(4) });
  const both = new Uint8Array(a.length + b.length);
  both.set(a);
  both.set(b, a.length);
  const out = decodeWal(both);
  assert.deepEqual(out.records.map((r) => r.seq), [5]);
  assert.match(out.problem ?? '', /not above/);
  const huge = new Uint8Array(64).fill(0xff);
  assert.match(decodeWal(huge).problem ?? '', /too large/);
  assert.equal(decodeWal(new Uint8Array(0)).problem, null);
});

test('truncateThrough drops the records a stable checkpoint covers and keeps appending', () => withDir((dir) => {
  fill(dir, [1, 2, 3, 4]);
  const wal = WalFile.open(dir);
  wal.truncateThrough(2);
  wal.append(5, payloadOf(5));
  wal.close();
  const again = WalFile.open(dir);
  assert.equal(again.opened.problem, null);
  assert.deepEqual(again.opened.records.map((r) => r.seq), [3, 4, 5]);
  assert.deepEqual(again.opened.records[2].payload, payloadOf(5));
  again.close();
}));
