// Chunked partition transfer (src/fs/partition-chunks.ts): any partition moves
// in chunks of a bounded size, the importer's cursor follows the exporter's,
// and nothing is installed before the whole partition's digest matches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_PARTITION, FileTree, ROOT_HANDLE } from '../../src/fs/index.js';
import { ROOT, RandomWorkload, fhOf, hex, mulberry32, newTree, ok, req, sha256 } from './helpers.js';

const CHUNK_BYTES = 10_000;

/** Files with many blocks, a directory of many entries, a symlink, tombstones and client replies. */
function bigTree(): FileTree {
  const tree = newTree();
  const dir = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'dir')));
  const data = new Uint8Array(64 * 1024);
  for (let f = 0; f < 3; f++) {
    const file = fhOf(ok(tree, req.create(ROOT, dir, `big${f}`)));
    for (let k = 0; k < 4; k++) ok(tree, req.write(ROOT, file, k * data.length + f * 10_000_000, data.fill(f * 16 + k + 1)));
  }
  for (let i = 0; i < 600; i++) ok(tree, req.create(ROOT, dir, `name-${i}-${'x'.repeat(i % 50)}`));
  for (let i = 0; i < 20; i++) ok(tree, req.remove(ROOT, dir, `name-${i * 7}-${'x'.repeat((i * 7) % 50)}`));
  ok(tree, req.symlink(ROOT, ROOT_HANDLE, 'link', 'dir/big0'));
  for (let c = 0; c < 40; c++) tree.recordReply(c * 3, c + 1, new Uint8Array(c * 100).fill(c));
  return tree;
}

/** Copies every differing partition chunk by chunk, checking sizes and cursors on the way. */
function chunkedTransfer(src: FileTree, dst: FileTree, bytesMax: number): { chunks: number; largest: number } {
  const listing = src.partitions();
  const expected = new Map(listing.map((p) => [p.index, p.digest]));
  let chunks = 0;
  let largest = 0;
  for (const index of dst.diffPartitions(listing)) {
    const imp = dst.importPartitionChunks(index);
    let cursor: Uint8Array | undefined;
    for (;;) {
      const chunk = src.exportPartitionChunk(index, cursor, bytesMax);
      chunks++;
      largest = Math.max(largest, chunk.bytes.length);
      imp.push(chunk.bytes);
      if (chunk.done) break;
      assert.equal(hex(imp.cursor()), hex(chunk.next), 'the importer computes the cursor the exporter resumes at');
      cursor = chunk.next;
    }
    imp.finish(expected.get(index) ?? new Uint8Array(32));
  }
  return { chunks, largest };
}

test('a partition far larger than one chunk moves in bounded chunks and gives the same tree', () => {
  const src = bigTree();
  const dst = newTree();
  const { chunks, largest } = chunkedTransfer(src, dst, CHUNK_BYTES);
  assert.ok(chunks > 100, `${chunks} chunks`);
  assert.ok(largest <= CHUNK_BYTES, `largest chunk ${largest} bytes`);
  assert.equal(hex(dst.digest()), hex(src.digest()));
  assert.equal(hex(dst.snapshot()), hex(src.snapshot()));
  // The copy works on from here like the source.
  const r = req.create(ROOT, ROOT_HANDLE, 'after');
  assert.deepEqual(dst.apply(r, 5000), src.apply(r, 5000));
  assert.equal(hex(dst.digest()), hex(src.digest()));
});

test('a chunk larger than bytesMax only when one unit is (a client reply bigger than the budget)', () => {
  const src = newTree();
  src.recordReply(1, 1, new Uint8Array(50_000).fill(1));
  src.recordReply(2, 1, new Uint8Array(10).fill(2));
  const first = src.exportPartitionChunk(CLIENT_PARTITION, undefined, 1000);
  assert.ok(first.bytes.length > 50_000 && !first.done, 'the big unit goes alone');
  const second = src.exportPartitionChunk(CLIENT_PARTITION, first.next, 1000);
  assert.ok(second.done && second.bytes.length < 1000);
});

test('a diverged tree is repaired chunk by chunk, random workloads, several chunk sizes', () => {
  for (const bytesMax of [1, 5000, 1 << 20]) {
    const src = newTree();
    const w = new RandomWorkload(src, mulberry32(bytesMax));
    for (let i = 0; i < 400; i++) w.step();
    const dst = FileTree.restore(src.snapshot(), { hash: sha256 });
    const wd = new RandomWorkload(dst, mulberry32(bytesMax + 1));
    for (let i = 0; i < 200; i++) wd.step();
    for (let i = 0; i < 200; i++) w.step();
    chunkedTransfer(src, dst, bytesMax);
    assert.equal(hex(dst.digest()), hex(src.digest()), `bytesMax ${bytesMax}`);
    assert.equal(hex(dst.snapshot()), hex(src.snapshot()), `bytesMax ${bytesMax}`);
  }
});

test('nothing is installed unless the whole partition matches: tampered, missing, reordered or foreign chunks', () => {
  const src = bigTree();
  const index = 0;
  const want = src.partitions()[0].digest;
  const chunksOf = (): Uint8Array[] => {
    const out: Uint8Array[] = [];
    let cursor: Uint8Array | undefined;
    for (;;) {
      const c = src.exportPartitionChunk(index, cursor, CHUNK_BYTES);
      out.push(c.bytes);
      if (c.done) return out;
      cursor = c.next;
    }
  };
  const dst = newTree();
  const before = hex(dst.snapshot());
  const attempt = (chunks: Uint8Array[]): void => {
    const imp = dst.importPartitionChunks(index);
    for (const c of chunks) imp.push(c);
    imp.finish(want);
  };
  const tampered = chunksOf();
  tampered[5] = tampered[5].slice();
  tampered[5][tampered[5].length - 1] ^= 1;   // one byte of file data
  assert.throws(() => attempt(tampered), /does not match the expected digest/);
  const missing = chunksOf();
  missing.splice(5, 1);
  assert.throws(() => attempt(missing), /announced|does not match/);
  const reordered = chunksOf();
  [reordered[5], reordered[6]] = [reordered[6], reordered[5]];
  assert.throws(() => attempt(reordered), /out of order/);
  const foreign = newTree();
  foreign.apply(req.mkdir(ROOT, ROOT_HANDLE, 'x'), 1);
  assert.throws(() => attempt([foreign.exportPartitionChunk(0, undefined, CHUNK_BYTES).bytes]), /does not match/);
  assert.throws(() => attempt([src.exportPartitionChunk(1, undefined, CHUNK_BYTES).bytes]), /chunk of partition 1/);
  const truncated = chunksOf();
  truncated[2] = truncated[2].subarray(0, truncated[2].length - 100);
  assert.throws(() => attempt(truncated), /fs partition 0 chunk/);
  assert.equal(hex(dst.snapshot()), before, 'the tree is unchanged');
  attempt(chunksOf());
  assert.equal(hex(dst.partitions()[0].digest), hex(want));
});

test('a liar cannot make the importer stage more data than the tree may hold', () => {
  const src = newTree({ totalBytesMax: 1 << 20 });
  const file = fhOf(ok(src, req.create(ROOT, ROOT_HANDLE, 'f')));
  ok(src, req.write(ROOT, file, 0, new Uint8Array(512 * 1024).fill(7)));
  const small = newTree({ totalBytesMax: 256 * 1024 });
  const imp = small.importPartitionChunks(0);
  assert.throws(() => {
    let cursor: Uint8Array | undefined;
    for (;;) {
      const c = src.exportPartitionChunk(0, cursor, CHUNK_BYTES);
      imp.push(c.bytes);
      if (c.done) return;
      cursor = c.next;
    }
  }, /more data than totalBytesMax/);
});

test('a partition only we have is emptied; a malformed cursor is refused', () => {
  const src = newTree();
  const dst = newTree();
  for (let i = 0; i < 300; i++) ok(dst, req.create(ROOT, ROOT_HANDLE, `f${i}`));
  chunkedTransfer(src, dst, CHUNK_BYTES);
  assert.equal(hex(dst.digest()), hex(src.digest()));
  assert.equal(dst.stats().inodes, 1);
  assert.throws(() => src.exportPartitionChunk(0, new Uint8Array([1, 2, 3]), CHUNK_BYTES), /cursor/);
});

test('sharePartitionFrom: the trees share blocks, and a write or truncate in either (tentative or not) leaves the other as it was', () => {
  const src = bigTree();
  const dst = newTree();
  for (const p of dst.diffPartitions(src.partitions())) dst.sharePartitionFrom(src, p);
  assert.equal(hex(dst.snapshot()), hex(src.snapshot()));
  const before = hex(src.snapshot());
  const dir = fhOf(ok(dst, req.lookup(ROOT, ROOT_HANDLE, 'dir')));
  const big0 = fhOf(ok(dst, req.lookup(ROOT, dir, 'big0')));
  ok(dst, req.write(ROOT, big0, 5, new Uint8Array([9, 9, 9])));
  ok(dst, req.create(ROOT, dir, 'new-name'));
  dst.beginTentative();
  ok(dst, req.write(ROOT, big0, 70_000, new Uint8Array([8])));
  dst.rollbackTentative();
  ok(dst, req.setattr(ROOT, big0, { size: 3 }));
  assert.equal(hex(src.snapshot()), before, 'the source is untouched');
  assert.equal(hex(src.digest()), hex(src.recomputeDigest()));
  const dstBefore = hex(dst.snapshot());
  const srcBig1 = fhOf(ok(src, req.lookup(ROOT, fhOf(ok(src, req.lookup(ROOT, ROOT_HANDLE, 'dir'))), 'big1')));
  ok(src, req.write(ROOT, srcBig1, 10_000_001, new Uint8Array([1, 2, 3])));
  assert.equal(hex(dst.snapshot()), dstBefore, 'and the other way round');
  assert.equal(hex(dst.digest()), hex(dst.recomputeDigest()));
});
