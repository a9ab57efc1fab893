// The checkpoint's manifest keeps the stable checkpoint's proof and view (for
// `--durability fsync`) and each partition's segments; checkpoint.bfs files of
// earlier versions (1 and 2) still read; a damaged proof list or manifest is
// refused, never trusted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeCheckpointFile, encodeCheckpointFile } from '../../src/replica/persistence/checkpoint-file.js';
import { decodeManifest, encodeManifest } from '../../src/replica/persistence/manifest-file.js';
import { decodeSignedList, encodeSignedList } from '../../src/replica/persistence/signed-list.js';

const proof = [0, 1, 3].map((signer) => ({ signer, body: new Uint8Array([signer, 1, 2, 3]), sig: new Uint8Array(64).fill(signer + 1) }));

test('a version 2 checkpoint file round-trips its snapshot, proof and view', () => {
  const cp = { seq: 256, digest: new Uint8Array(32).fill(7), snapshot: new Uint8Array([9, 8, 7, 6]), proof, view: 3 };
  const back = decodeCheckpointFile(encodeCheckpointFile(cp));
  assert.ok(typeof back !== 'string');
  assert.equal(back.seq, 256);
  assert.equal(back.view, 3);
  assert.deepEqual(new Uint8Array(back.snapshot), cp.snapshot);
  assert.deepEqual(back.proof, proof);
});

test('a version 1 checkpoint file reads with no proof', () => {
  const snapshot = new Uint8Array([1, 2, 3]);
  const out = new Uint8Array(88 + snapshot.length);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('BFSCKPT1'));
  view.setBigUint64(8, 128n);
  view.setBigUint64(48, BigInt(snapshot.length));
  out.set(createHash('sha256').update(snapshot).digest(), 56);
  out.set(snapshot, 88);
  const back = decodeCheckpointFile(out);
  assert.ok(typeof back !== 'string');
  assert.equal(back.seq, 128);
  assert.deepEqual(back.proof, []);
  assert.deepEqual(new Uint8Array(back.snapshot), snapshot);
});

test('signed lists: truncated or padded bytes are not a list', () => {
  const bytes = encodeSignedList(proof);
  assert.deepEqual(decodeSignedList(bytes), proof);
  assert.equal(decodeSignedList(bytes.subarray(0, bytes.length - 1)), null);
  const padded = new Uint8Array(bytes.length + 1);
  padded.set(bytes);
  assert.equal(decodeSignedList(padded), null);
  assert.equal(decodeSignedList(new Uint8Array([0xff, 0xff, 0xff, 0xff])), null);
});

test('a manifest round-trips its partitions, segments, proof and view; damaged bytes say what is wrong', () => {
  const partitions = [
    { index: 0, digest: new Uint8Array(32).fill(1), segments: [new Uint8Array(32).fill(2)] },
    { index: 5, digest: new Uint8Array(32).fill(3), segments: [new Uint8Array(32).fill(4), new Uint8Array(32).fill(5), new Uint8Array(32).fill(6)] },
    { index: 0xffffffff, digest: new Uint8Array(32).fill(7), segments: [new Uint8Array(32).fill(8)] },
  ];
  const m = { seq: 1280, view: 7, digest: new Uint8Array(32).fill(9), partitions, proof };
  const bytes = encodeManifest(m);
  assert.deepEqual(decodeManifest(bytes), m);
  assert.match(String(decodeManifest(bytes.subarray(0, bytes.length - 1))), /truncated or padded/);
  const rotten = new Uint8Array(bytes);
  rotten[100] ^= 1;
  assert.match(String(decodeManifest(rotten)), /checksum mismatch/);
  assert.match(String(decodeManifest(new Uint8Array(64))), /bad magic/);
  // Partitions out of order are refused even under a good checksum.
  assert.match(String(decodeManifest(encodeManifest({ ...m, partitions: [partitions[1], partitions[0]] }))), /not ascending/);
});
