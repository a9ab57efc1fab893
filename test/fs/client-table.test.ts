// The last-reply table inside the file tree: replicated state (digest,
// snapshot, partitions) that tentative rollback undoes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_PARTITION, FileTree } from '../../src/fs/index.js';
import { ROOT, newTree, req, sha256 } from './helpers.js';
import { ROOT_HANDLE } from '../../src/fs/index.js';

const bytes = (...v: number[]): Uint8Array => new Uint8Array(v);

// Imports into `dst` every partition that differs from `src` (what the fetcher does).
function transfer(src: FileTree, dst: FileTree): void {
  const listing = src.partitions();
  const expected = new Map(listing.map((p) => [p.index, p.digest]));
  for (const i of dst.diffPartitions(listing)) dst.importPartition(i, src.exportPartition(i), expected.get(i) ?? new Uint8Array(32));
}

test('an empty table leaves the digest as before; different tables give different digests', () => {
  const a = newTree();
  const b = newTree();
  const empty = a.digest();
  a.recordReply(7, 1, bytes(1, 2));
  b.recordReply(7, 1, bytes(1, 3));
  assert.notDeepEqual(a.digest(), empty);
  assert.notDeepEqual(a.digest(), b.digest());
  b.recordReply(7, 1, bytes(1, 2));
  assert.deepEqual(a.digest(), b.digest());
  b.recordReply(7, 2, bytes(1, 2));
  assert.notDeepEqual(a.digest(), b.digest(), 'the timestamp is part of the digest');
  assert.deepEqual(a.digest(), a.recomputeDigest());
});

test('snapshot/restore carries the table', () => {
  const a = newTree();
  a.apply(req.mkdir(ROOT, ROOT_HANDLE, 'd'), 1000);
  a.recordReply(3, 10, bytes(9));
  a.recordReply(1, 20, bytes());
  const b = FileTree.restore(a.snapshot(), { hash: sha256 });
  assert.deepEqual(b.lastReplies(), [{ client: 1, timestamp: 20, result: bytes() }, { client: 3, timestamp: 10, result: bytes(9) }]);
  assert.deepEqual(b.digest(), a.digest());
});

test('partition transfer carries the table in the reserved partition', () => {
  const src = newTree();
  src.apply(req.mkdir(ROOT, ROOT_HANDLE, 'd'), 1000);
  src.recordReply(5, 42, bytes(4, 2));
  const listing = src.partitions();
  assert.equal(listing.at(-1)?.index, CLIENT_PARTITION);
  assert.deepEqual(FileTree.digestFromPartitions(listing, { hash: sha256 }), src.digest());
  const dst = newTree();
  dst.recordReply(6, 1, bytes(0)); // stale entry the transfer must drop
  transfer(src, dst);
  assert.deepEqual(dst.lastReplies(), [{ client: 5, timestamp: 42, result: bytes(4, 2) }]);
  assert.deepEqual(dst.digest(), src.digest());
  // A forged table blob is refused and changes nothing.
  const forged = newTree();
  forged.recordReply(5, 43, bytes(4, 2));
  const want = listing.at(-1)?.digest;
  assert.throws(() => dst.importPartition(CLIENT_PARTITION, forged.exportPartition(CLIENT_PARTITION), want), /does not match/);
  assert.deepEqual(dst.digest(), src.digest());
  // A source with an empty table empties ours.
  transfer(newTree(), dst);
  assert.deepEqual(dst.lastReplies(), []);
});

test('rollback restores the table; commit keeps it', () => {
  const t = newTree();
  t.recordReply(1, 1, bytes(1));
  const before = t.digest();
  t.beginTentative();
  t.recordReply(1, 2, bytes(2));
  t.recordReply(2, 1, bytes(3));
  t.recordReply(1, 3, bytes(4));
  t.rollbackTentative();
  assert.deepEqual(t.lastReplies(), [{ client: 1, timestamp: 1, result: bytes(1) }]);
  assert.deepEqual(t.digest(), before);
  t.beginTentative();
  t.recordReply(2, 1, bytes(3));
  t.commitTentative();
  assert.equal(t.lastReplies().length, 2);
  assert.deepEqual(t.digest(), t.recomputeDigest());
});

test('the table is bounded: one entry per client, at most clientsMax clients', () => {
  const t = newTree({ clientsMax: 2 });
  assert.equal(t.recordReply(1, 1, bytes()), true);
  assert.equal(t.recordReply(1, 2, bytes()), true);
  assert.equal(t.recordReply(2, 1, bytes()), true);
  assert.equal(t.recordReply(3, 1, bytes()), false);
  assert.equal(t.recordReply(-1, 1, bytes()), false);
  assert.deepEqual(t.lastReplies().map((r) => r.client), [1, 2]);
  const big = newTree({ clientsMax: 3 });
  for (const c of [1, 2, 3]) big.recordReply(c, 1, bytes());
  assert.throws(() => t.importPartition(CLIENT_PARTITION, big.exportPartition(CLIENT_PARTITION)), /exceed clientsMax/);
});
