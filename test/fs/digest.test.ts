// Digest, snapshot, tentative execution and partition transfer: the state
// machine properties the PBFT core and state transfer depend on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESTALE, FileTree, ROOT_HANDLE } from '../../src/fs/index.js';
import { ROOT, RandomWorkload, fhOf, hex, mulberry32, newTree, ok, req, sha256 } from './helpers.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function sampleTree(): { tree: FileTree; file: ReturnType<typeof fhOf>; dir: ReturnType<typeof fhOf> } {
  const tree = newTree();
  const dir = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'dir')));
  const file = fhOf(ok(tree, req.create(ROOT, dir, 'file')));
  ok(tree, req.write(ROOT, file, 0, enc('hello world')));
  ok(tree, req.write(ROOT, file, 100_000, enc('far away')));
  ok(tree, req.symlink(ROOT, dir, 'link', 'file'));
  return { tree, file, dir };
}

test('snapshot -> restore gives the same digest and the same bytes', () => {
  const { tree } = sampleTree();
  const snap = tree.snapshot();
  const copy = FileTree.restore(snap, { hash: sha256 });
  assert.equal(hex(copy.digest()), hex(tree.digest()));
  assert.equal(hex(copy.snapshot()), hex(snap));
});

test('equal histories give equal digests; a fresh tree has a fixed digest', () => {
  assert.equal(hex(newTree().digest()), hex(newTree().digest()));
  assert.equal(hex(sampleTree().tree.digest()), hex(sampleTree().tree.digest()));
});

test('any single change to content, metadata or names changes the digest', () => {
  const changes: [string, (t: FileTree, f: ReturnType<typeof fhOf>, d: ReturnType<typeof fhOf>) => void][] = [
    ['one byte of content', (t, f) => ok(t, req.write(ROOT, f, 3, enc('L')), 0)],
    ['a byte far in a sparse file', (t, f) => ok(t, req.write(ROOT, f, 100_002, enc('R')), 0)],
    ['size', (t, f) => ok(t, req.setattr(ROOT, f, { size: 11 }), 0)],
    ['mode', (t, f) => ok(t, req.setattr(ROOT, f, { mode: 0o600 }), 0)],
    ['owner', (t, f) => ok(t, req.setattr(ROOT, f, { uid: 5 }), 0)],
    ['mtime', (t, f) => ok(t, req.setattr(ROOT, f, { mtime: { sec: 1, nsec: 1 } }), 0)],
    ['a name', (t, _f, d) => ok(t, req.rename(ROOT, d, 'file', d, 'renamed'), 0)],
    ['a new empty file', (t, _f, d) => ok(t, req.create(ROOT, d, 'new'), 0)],
    ['a hard link', (t, f) => ok(t, req.link(ROOT, f, ROOT_HANDLE, 'hard'), 0)],
    ['a removal', (t, _f, d) => ok(t, req.remove(ROOT, d, 'link'), 0)],
  ];
  const seen = new Set<string>();
  const base = sampleTree();
  seen.add(hex(base.tree.digest()));
  for (const [what, change] of changes) {
    const { tree, file, dir } = sampleTree();
    change(tree, file, dir);
    const d = hex(tree.digest());
    assert.ok(!seen.has(d), `changing ${what} did not produce a new digest`);
    seen.add(d);
    assert.equal(d, hex(tree.recomputeDigest()), `incremental digest wrong after changing ${what}`);
  }
});

test('the incremental digest equals a from-scratch recomputation after random workloads', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const tree = newTree();
    const w = new RandomWorkload(tree, mulberry32(seed));
    for (let i = 0; i < 150; i++) {
      w.step();
      if (i % 37 === 0) tree.digest(); // interleave digests so dirty state is partial
    }
    assert.equal(hex(tree.digest()), hex(tree.recomputeDigest()), `seed ${seed}`);
  }
});

test('rollbackTentative restores the exact state and digest; commitTentative keeps the changes', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const tree = newTree();
    const w = new RandomWorkload(tree, mulberry32(seed));
    for (let i = 0; i < 80; i++) w.step();
    if (seed % 2 === 0) tree.digest(); // sometimes with clean digest caches, sometimes dirty
    const snapBefore = tree.snapshot();
    const digestBefore = hex(tree.digest());
    tree.beginTentative();
    for (let i = 0; i < 60; i++) { w.step(); if (i === 30) tree.digest(); }
    assert.notEqual(hex(tree.digest()), digestBefore, `seed ${seed}: the tentative steps changed nothing`);
    tree.rollbackTentative();
    assert.equal(hex(tree.digest()), digestBefore, `seed ${seed}: digest after rollback`);
    assert.equal(hex(tree.snapshot()), hex(snapBefore), `seed ${seed}: state after rollback`);
    assert.equal(hex(tree.recomputeDigest()), digestBefore, `seed ${seed}: recomputed after rollback`);
    // The rolled-back tree keeps working, and replaying gives the same result.
    tree.beginTentative();
    for (let i = 0; i < 5; i++) w.step();
    tree.commitTentative();
    assert.equal(hex(tree.digest()), hex(tree.recomputeDigest()), `seed ${seed}: after commit`);
  }
});

test('rollback restores inode numbers, generations and free space exactly', () => {
  const tree = newTree({ totalBytesMax: 64 * 4096 });
  const a = fhOf(ok(tree, req.create(ROOT, ROOT_HANDLE, 'a')));
  ok(tree, req.write(ROOT, a, 0, new Uint8Array(8192).fill(1)));
  const before = tree.stats();
  tree.beginTentative();
  ok(tree, req.remove(ROOT, ROOT_HANDLE, 'a'));
  const b = fhOf(ok(tree, req.create(ROOT, ROOT_HANDLE, 'b')));
  assert.deepEqual(b, { ino: a.ino, gen: a.gen + 1 }, 'the freed number is reused with the next generation');
  ok(tree, req.write(ROOT, b, 0, new Uint8Array(100).fill(2)));
  tree.rollbackTentative();
  assert.deepEqual(tree.stats(), before);
  const res = ok(tree, req.read(ROOT, a, 0, 10_000));
  assert.equal(res.res === 'read' && res.read.data.length, 8192);
  assert.equal(tree.apply(req.getattr(ROOT, b), 1).errno, ESTALE, 'the rolled-back inode generation is gone');
  const next = fhOf(ok(tree, req.create(ROOT, ROOT_HANDLE, 'c')));
  assert.equal(next.ino, a.ino + 1, 'allocation continues after the restored inode');
});

test('tentative misuse throws (a broken invariant of the caller)', () => {
  const tree = newTree();
  assert.throws(() => tree.commitTentative(), /without beginTentative/);
  assert.throws(() => tree.rollbackTentative(), /without beginTentative/);
  tree.beginTentative();
  assert.throws(() => tree.beginTentative(), /while a tentative batch is open/);
});

test('restore rejects corrupt, truncated or foreign bytes with a clear error', () => {
  const snap = sampleTree().tree.snapshot();
  const flipped = snap.slice();
  flipped[40] ^= 1;
  assert.throws(() => FileTree.restore(flipped, { hash: sha256 }), /checksum mismatch/);
  assert.throws(() => FileTree.restore(snap.subarray(0, snap.length - 5), { hash: sha256 }), /checksum mismatch/);
  assert.throws(() => FileTree.restore(new Uint8Array(3), { hash: sha256 }), /too short/);
  assert.throws(() => FileTree.restore(snap, { hash: sha256, limits: { blockBytes: 8192 } }), /blockBytes/);
  const part = sampleTree().tree.exportPartition(0);
  assert.throws(() => FileTree.restore(part, { hash: sha256 }), /bad magic/);
});

test('a lagging tree catches up by fetching only the partitions that differ', () => {
  const source = newTree();
  const w = new RandomWorkload(source, mulberry32(7));
  // Enough files to span several partitions of 256 inodes.
  const top = fhOf(ok(source, req.mkdir(ROOT, ROOT_HANDLE, 'many')));
  for (let i = 0; i < 700; i++) ok(source, req.create(ROOT, top, `f${i}`));
  const lagging = FileTree.restore(source.snapshot(), { hash: sha256 });
  for (let i = 0; i < 200; i++) w.step();
  ok(source, req.write(ROOT, fhOf(ok(source, req.lookup(ROOT, top, 'f650'))), 0, enc('late change')));
  const theirs = source.partitions();
  // The listing is checked against the (certified) state digest before use.
  assert.equal(hex(FileTree.digestFromPartitions(theirs, { hash: sha256 })), hex(source.digest()));
  const forged = theirs.map((p, i) => (i === 0 ? { index: p.index, digest: sha256(p.digest) } : p));
  assert.notEqual(hex(FileTree.digestFromPartitions(forged, { hash: sha256 })), hex(source.digest()));
  const wanted = lagging.diffPartitions(theirs);
  assert.ok(wanted.length > 0 && wanted.length < theirs.length, `fetches ${wanted.length} of ${theirs.length} partitions`);
  const expected = new Map(theirs.map((p) => [p.index, p.digest]));
  for (const index of wanted) {
    const blob = source.exportPartition(index);
    assert.equal(hex(lagging.partitionDigest(index, blob)), hex(expected.get(index) ?? new Uint8Array(32)));
    lagging.importPartition(index, blob, expected.get(index) ?? new Uint8Array(32));
  }
  assert.equal(hex(lagging.digest()), hex(source.digest()));
  assert.equal(hex(lagging.snapshot()), hex(source.snapshot()));
  assert.deepEqual(lagging.diffPartitions(source.partitions()), []);
  // The caught-up tree behaves like the source from here on.
  const r = req.create(ROOT, ROOT_HANDLE, 'after');
  assert.deepEqual(lagging.apply(r, 99_999), source.apply(r, 99_999));
  assert.equal(hex(lagging.digest()), hex(source.digest()));
});

test('importPartition refuses a blob for another partition, a corrupt one, or unexpected content, and changes nothing', () => {
  const { tree, file } = sampleTree();
  const blob = tree.exportPartition(0);
  const other = sampleTree().tree;
  ok(other, req.write(ROOT, file, 0, enc('other content')));
  const before = hex(tree.snapshot());
  assert.throws(() => tree.importPartition(1, blob), /holds partition 0/);
  const bad = blob.slice();
  bad[bad.length - 40] ^= 0xff;
  assert.throws(() => tree.importPartition(0, bad), /checksum/);
  assert.throws(() => tree.importPartition(0, other.exportPartition(0), tree.partitions()[0].digest), /does not match/);
  assert.equal(hex(tree.snapshot()), before);
});

test('state transfer also repairs a diverged tree: extra inodes vanish, changed ones are replaced', () => {
  const source = newTree();
  const d = fhOf(ok(source, req.mkdir(ROOT, ROOT_HANDLE, 'd')));
  for (let i = 0; i < 300; i++) ok(source, req.create(ROOT, d, `f${i}`));
  const diverged = FileTree.restore(source.snapshot(), { hash: sha256 });
  // The diverged copy grows into a partition the source never had, and edits one file.
  const extra = fhOf(ok(diverged, req.mkdir(ROOT, ROOT_HANDLE, 'extra')));
  for (let i = 0; i < 300; i++) ok(diverged, req.create(ROOT, extra, `x${i}`));
  ok(diverged, req.write(ROOT, fhOf(ok(diverged, req.lookup(ROOT, d, 'f3'))), 0, enc('tampered')));
  const listing = source.partitions();
  const expected = new Map(listing.map((p) => [p.index, p.digest]));
  const wanted = diverged.diffPartitions(listing);
  assert.ok(wanted.some((i) => !expected.has(i)), 'a partition only the diverged tree has is fetched (as empty)');
  for (const index of wanted) diverged.importPartition(index, source.exportPartition(index), expected.get(index) ?? new Uint8Array(32));
  assert.equal(hex(diverged.digest()), hex(source.digest()));
  assert.equal(hex(diverged.snapshot()), hex(source.snapshot()));
  assert.equal(diverged.stats().inodes, source.stats().inodes);
});

test('determinism: two trees fed the same requests give the same results, bytes and digests', () => {
  for (let seed = 100; seed < 110; seed++) {
    const a = new RandomWorkload(newTree(), mulberry32(seed));
    const b = new RandomWorkload(newTree(), mulberry32(seed));
    for (let i = 0; i < 200; i++) assert.deepEqual(a.step(), b.step(), `seed ${seed} step ${i}`);
    assert.equal(hex(a.tree.snapshot()), hex(b.tree.snapshot()));
    assert.equal(hex(a.tree.digest()), hex(b.tree.digest()));
  }
});
