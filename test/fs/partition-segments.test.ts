// Partition segments (src/fs/partition-segments.ts): a partition's segments,
// exported chunk by chunk in order, import as the partition; a segment's key
// changes exactly when its content does, so a 4 KiB write into a big file
// makes one run of blocks (and the file's head) new, nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_PARTITION, FileTree, ROOT_HANDLE, type PartitionSegment } from '../../src/fs/index.js';
import { SEGMENT_BLOCKS } from '../../src/fs/file-tree.js';
import { ROOT, fhOf, hex, newTree, ok, req, sha256 } from './helpers.js';

/** Two big sparse files (runs with holes between), small files, a directory, a symlink, a tombstone, client replies. */
function mixedTree(): FileTree {
  const tree = newTree();
  const dir = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'dir')));
  const data = new Uint8Array(64 * 1024);
  for (let f = 0; f < 2; f++) {
    const file = fhOf(ok(tree, req.create(ROOT, dir, `big${f}`)));
    for (let k = 0; k < 3; k++) ok(tree, req.write(ROOT, file, k * 5_000_000 + f * 4096, data.fill(f * 16 + k + 1)));
  }
  for (let i = 0; i < 40; i++) {
    const small = fhOf(ok(tree, req.create(ROOT, dir, `small${i}`)));
    ok(tree, req.write(ROOT, small, 0, new Uint8Array(5000 + i).fill(i)));
  }
  ok(tree, req.remove(ROOT, dir, 'small7'));
  ok(tree, req.symlink(ROOT, ROOT_HANDLE, 'link', 'dir/big0'));
  for (let c = 0; c < 5; c++) tree.recordReply(c, c + 1, new Uint8Array(10).fill(c));
  return tree;
}

/** Copies every partition of `src` into a fresh tree through its segments, in chunks of at most `bytesMax`. */
function copyBySegments(src: FileTree, bytesMax: number): { copy: FileTree; largest: number } {
  // A tree without the root: every partition comes from the source.
  const dst = new FileTree({ hash: sha256 }, true);
  let largest = 0;
  for (const p of src.partitions()) {
    const imp = dst.importPartitionChunks(p.index);
    for (const segment of src.partitionSegments(p.index)) {
      let cursor: Uint8Array | undefined;
      for (;;) {
        const chunk = src.exportSegmentChunk(p.index, segment, cursor, bytesMax);
        largest = Math.max(largest, chunk.bytes.length);
        imp.push(chunk.bytes);
        if (chunk.done) break;
        cursor = chunk.next;
      }
    }
    imp.finish(p.digest);
  }
  return { copy: dst, largest };
}

const keysOf = (segments: PartitionSegment[]): string[] => segments.map((s) => hex(s.key));

test("a partition's segments, chunk by chunk and in order, import as the partition", () => {
  const src = mixedTree();
  const segments = src.partitionSegments(0);
  assert.deepEqual(segments.map((s) => s.kind).filter((k, i, all) => all.indexOf(k) === i).sort(), ['blocks', 'head', 'inodes']);
  // big0: blocks 0..15 (run 0), 1220..1235 (run 4), 2441..2456 (run 9): three runs, the holes none.
  const big0 = segments.filter((s) => s.kind === 'blocks' && s.ino === segments.find((h) => h.kind === 'head')?.ino);
  assert.deepEqual(big0.map((s) => (s.kind === 'blocks' ? s.first / SEGMENT_BLOCKS : -1)), [0, 4, 9]);
  assert.equal(src.partitionSegments(CLIENT_PARTITION).length, 1);
  const { copy, largest } = copyBySegments(src, 10_000);
  assert.ok(largest <= 10_000 + 64, `largest chunk ${largest}`);
  assert.equal(hex(copy.digest()), hex(src.digest()));
  assert.equal(hex(copy.snapshot()), hex(src.snapshot()));
});

test('a 4 KiB write into a big file changes its head and one run; a small file changes only its stretch', () => {
  const tree = mixedTree();
  const before = keysOf(tree.partitionSegments(0));
  const dir = fhOf(ok(tree, req.lookup(ROOT, ROOT_HANDLE, 'dir')));
  const big1 = fhOf(ok(tree, req.lookup(ROOT, dir, 'big1')));
  ok(tree, req.write(ROOT, big1, 5_000_000 + 4096 * 3, new Uint8Array(4096).fill(0xee)), 2_000);
  const after = keysOf(tree.partitionSegments(0));
  assert.equal(after.length, before.length);
  const changed = tree.partitionSegments(0).filter((_, i) => after[i] !== before[i]);
  assert.deepEqual(changed.map((s) => s.kind), ['head', 'blocks']);
  assert.equal(changed[1].kind === 'blocks' && changed[1].first, Math.floor((5_000_000 + 4096 * 4) / 4096 / SEGMENT_BLOCKS) * SEGMENT_BLOCKS);
  // A small file: only the stretch of inodes that holds it.
  const small = fhOf(ok(tree, req.lookup(ROOT, dir, 'small30')));
  ok(tree, req.write(ROOT, small, 0, new Uint8Array(10).fill(1)), 3_000);
  const third = keysOf(tree.partitionSegments(0));
  const changedAgain = tree.partitionSegments(0).filter((_, i) => third[i] !== after[i]);
  assert.deepEqual(changedAgain.map((s) => s.kind), ['inodes']);
  // Nothing changed: the same keys.
  assert.deepEqual(keysOf(tree.partitionSegments(0)), third);
});

test('frozen segments export the partition as it was, while the tree moves on', () => {
  const tree = mixedTree();
  const listing = tree.partitions();
  const frozen = listing.map((p) => ({ p, segments: tree.partitionSegments(p.index) })).map(({ p, segments }) => ({ p, segments, frozen: tree.freezeSegments(p.index, segments) }));
  const before = tree.snapshot();
  // Change a run, a head, a small file, the directory and the last-reply table.
  const dir = fhOf(ok(tree, req.lookup(ROOT, ROOT_HANDLE, 'dir')));
  const big0 = fhOf(ok(tree, req.lookup(ROOT, dir, 'big0')));
  ok(tree, req.write(ROOT, big0, 100, new Uint8Array(9000).fill(0xab)), 2_000);
  ok(tree, req.setattr(ROOT, big0, { size: 3 }), 2_001);
  ok(tree, req.write(ROOT, fhOf(ok(tree, req.lookup(ROOT, dir, 'small3'))), 0, new Uint8Array(7).fill(9)), 2_002);
  ok(tree, req.create(ROOT, dir, 'new'), 2_003);
  tree.recordReply(99, 1, new Uint8Array([1]));
  const dst = new FileTree({ hash: sha256 }, true);
  for (const { p, segments, frozen: f } of frozen) {
    const imp = dst.importPartitionChunks(p.index);
    for (const segment of segments) {
      let cursor: Uint8Array | undefined;
      for (;;) {
        const chunk = f.exportChunk(segment, cursor, 3000);
        imp.push(chunk.bytes);
        if (chunk.done) break;
        cursor = chunk.next;
      }
    }
    imp.finish(p.digest);
  }
  assert.equal(hex(dst.snapshot()), hex(before));
});
