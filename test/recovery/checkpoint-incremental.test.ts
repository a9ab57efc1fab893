// `bfs replica --data DIR` keeps the last stable checkpoint as a manifest and
// content-addressed segment files per partition: a checkpoint writes only the
// segments that changed (a stretch of small files, a big file's head and one
// run of its blocks), a damaged file is refused by name and only its
// partition is fetched from the other replicas, and a crash between the
// segment files and the manifest leaves the previous checkpoint whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { FileTree, ROOT_HANDLE, type Handle } from '../../src/fs/index.js';
import { StateFetcher } from '../../src/replica/state-transfer-fetcher.js';
import { stateTransferImplementation, stateTransferService } from '../../src/replica/state-transfer-service.js';
import type { ReplicaInfo } from '../../src/transport/cluster-config.js';
import { CHECKPOINT_FILE, encodeCheckpointFile } from '../../src/replica/persistence/checkpoint-file.js';
import { loadCheckpoint } from '../../src/replica/persistence/checkpoint-load.js';
import { CheckpointWriter } from '../../src/replica/persistence/checkpoint-writer.js';
import { MANIFEST_FILE, decodeManifest, encodeManifest, readManifest, type Manifest } from '../../src/replica/persistence/manifest-file.js';
import { PARTITIONS_DIR, segmentFileName, writeSegmentFile, type StoredPartition } from '../../src/replica/persistence/segment-file.js';
import { loadDataDir } from '../../src/replica/persistence/restore-point.js';

const hash = (d: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(d).digest());
const options = { hash };
const cred = { uid: 0, gid: 0, groups: [] };
const proof = [0, 1, 2].map((signer) => ({ signer, body: new Uint8Array([signer]), sig: new Uint8Array(64) }));

function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino({ level: 'info' }, { write: (line: string) => { lines.push(line); } }), lines };
}

let now = 1000;
/** Files f{from}..f{to-1} of 3000 bytes each (inode i+2 for file i in a fresh tree). */
function fill(tree: FileTree, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const r = tree.apply({ cred, op: 'create', create: { dir: ROOT_HANDLE, name: `f${i}`, mode: 0o644, exclusive: true, truncate: false } }, now++);
    if (r.res !== 'create') throw new Error('create failed');
    tree.apply({ cred, op: 'write', write: { fh: r.create.attr.fh, offset: 0, data: new Uint8Array(3000).fill(i & 0xff), append: false } }, now++);
  }
}

function lookup(tree: FileTree, name: string): Handle {
  const r = tree.query({ cred, op: 'lookup', lookup: { dir: ROOT_HANDLE, name } });
  if (r.res !== 'lookup') throw new Error(`lookup ${name}`);
  return r.lookup.attr.fh;
}

/** One 4 KiB write into file `name`. */
function write4k(tree: FileTree, name: string, fillByte: number): void {
  const r = tree.apply({ cred, op: 'write', write: { fh: lookup(tree, name), offset: 4096, data: new Uint8Array(4096).fill(fillByte), append: false } }, now++);
  assert.equal(r.errno, 0);
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bfs-ckpt-inc-'));
    try { await fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
  };
}

const partitionFiles = (dir: string): string[] => readdirSync(join(dir, PARTITIONS_DIR)).sort();
const inodeOf = (dir: string, name: string): number => statSync(join(dir, PARTITIONS_DIR, name)).ino;
const namesOf = (p: StoredPartition): string[] => p.segments.map((key) => segmentFileName(p.index, key));
function manifestOf(dir: string): Manifest {
  const m = readManifest(dir);
  assert.ok(m && typeof m !== 'string', `a manifest in ${dir}: ${String(m)}`);
  return m;
}
/** Every file the manifest in `dir` names, sorted. */
const manifestFiles = (dir: string): string[] => manifestOf(dir).partitions.flatMap(namesOf).sort();

async function writeCheckpoint(writer: CheckpointWriter, seq: number, tree: FileTree): Promise<void> {
  writer.checkpointAdvanced(seq, tree);
  await writer.idle();
}

/** 1000 files: partitions 0..3 (inodes 1..1001). */
function bigTree(): FileTree {
  const tree = new FileTree(options);
  fill(tree, 0, 1000);
  return tree;
}

test('an incremental checkpoint writes only the partitions that changed and removes the files no manifest names', withDir(async (dir) => {
  const { logger } = capture();
  const tree = bigTree();
  const writer = new CheckpointWriter(dir, logger, { certify: (seq) => ({ seq, proof, view: 2 }) });
  await writeCheckpoint(writer, 128, tree);
  assert.equal(tree.partitions().length, 4);
  assert.equal(writer.lastWrite?.partitionsWritten, 4);
  assert.equal(writer.lastWrite?.filesWritten, 4, 'small files: one segment per partition');
  assert.deepEqual(partitionFiles(dir), manifestFiles(dir));
  const inodes = new Map(partitionFiles(dir).map((name) => [name, inodeOf(dir, name)]));

  // One 4 KiB write into file f700 (inode 702: partition 2).
  write4k(tree, 'f700', 0x5a);
  await writeCheckpoint(writer, 256, tree);
  const fresh = manifestFiles(dir).filter((name) => !inodes.has(name));
  assert.equal(fresh.length, 1);
  assert.match(fresh[0], /^00000002-/);
  assert.equal(writer.lastWrite?.filesWritten, 1, 'one file written');
  assert.equal(writer.lastWrite?.filesRemoved, 1, "the old partition 2's file removed");
  const files = partitionFiles(dir);
  assert.deepEqual(files, manifestFiles(dir));
  for (const name of files) if (name !== fresh[0]) assert.equal(inodeOf(dir, name), inodes.get(name), `${name} untouched`);
  // What is on disk is checkpoint 256, proof and view included.
  const loaded = loadCheckpoint(dir, options, logger);
  assert.ok(loaded?.complete);
  assert.equal(loaded.manifest.seq, 256);
  assert.equal(loaded.manifest.view, 2);
  assert.deepEqual(loaded.manifest.proof, proof);
  assert.deepEqual(loaded.tree.digest(), tree.digest());
  assert.deepEqual(loaded.tree.lastReplies(), tree.lastReplies());

  // Nothing changed: only the manifest is rewritten.
  await writeCheckpoint(writer, 384, tree);
  assert.equal(writer.lastWrite?.filesWritten, 0);
  assert.equal(writer.lastWrite?.bytesWritten, writer.lastWrite?.manifestBytes);
}));

test('a 4 KiB write into a big file writes its head and one run of blocks, not the file', withDir(async (dir) => {
  const { logger } = capture();
  const tree = new FileTree(options);
  fill(tree, 0, 10);
  const big = tree.apply({ cred, op: 'create', create: { dir: ROOT_HANDLE, name: 'big', mode: 0o644, exclusive: true, truncate: false } }, now++);
  assert.ok(big.res === 'create');
  const chunk = new Uint8Array(1024 * 1024);
  for (let k = 0; k < 8; k++) tree.apply({ cred, op: 'write', write: { fh: big.create.attr.fh, offset: k * chunk.length, data: chunk.fill(k + 1), append: false } }, now++);
  const writer = new CheckpointWriter(dir, logger);
  await writeCheckpoint(writer, 128, tree);
  // Partition 0: the small files, the big file's head, 8 runs of 1 MiB.
  assert.equal(writer.lastWrite?.filesWritten, 1 + 1 + 8);
  const before = new Set(partitionFiles(dir));
  tree.apply({ cred, op: 'write', write: { fh: big.create.attr.fh, offset: 5 * chunk.length + 8192, data: new Uint8Array(4096).fill(0xee), append: false } }, now++);
  await writeCheckpoint(writer, 256, tree);
  assert.equal(writer.lastWrite?.filesWritten, 2, 'the head and the run written');
  assert.equal(writer.lastWrite?.filesRemoved, 2);
  assert.ok((writer.lastWrite?.bytesWritten ?? Infinity) < 1.1 * 1024 * 1024, `${writer.lastWrite?.bytesWritten} bytes`);
  assert.equal(partitionFiles(dir).filter((name) => !before.has(name)).length, 2);
  const loaded = loadCheckpoint(dir, options, logger);
  assert.ok(loaded?.complete);
  assert.deepEqual(loaded.tree.digest(), tree.digest());
}));

test('the checkpoint written is the tree as of its seq, even when the tree moves on while it is written', withDir(async (dir) => {
  const { logger } = capture();
  const tree = bigTree();
  const writer = new CheckpointWriter(dir, logger);
  writer.checkpointAdvanced(128, tree);
  const at128 = tree.digest();
  // Before the write ran: change partitions being written (blocks shared with the frozen copy).
  write4k(tree, 'f10', 1);
  write4k(tree, 'f900', 2);
  tree.recordReply(7, 1, new Uint8Array([1, 2, 3]));
  await writer.idle();
  const loaded = loadCheckpoint(dir, options, logger);
  assert.ok(loaded?.complete);
  assert.equal(loaded.manifest.seq, 128);
  assert.deepEqual(loaded.tree.digest(), at128);
  // The next checkpoint writes the three partitions that changed (two of inodes, the last-reply table).
  await writeCheckpoint(writer, 256, tree);
  assert.equal(writer.lastWrite?.partitionsWritten, 3);
  assert.equal(writer.lastWrite?.filesWritten, 3);
  const again = loadCheckpoint(dir, options, logger);
  assert.deepEqual(again?.tree.digest(), tree.digest());
  assert.deepEqual(again?.tree.lastReplies(), tree.lastReplies());
}));

async function serve(tree: FileTree, seq: number): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService(stateTransferService, stateTransferImplementation({ checkpointTree: tree, checkpointSeq: seq }));
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { server, port };
}

test('a corrupt or missing partition file is refused by name, and only those partitions come over the network', withDir(async (dir) => {
  const { logger, lines } = capture();
  const tree = bigTree();
  const writer = new CheckpointWriter(dir, logger, { certify: (seq) => ({ seq, proof, view: 0 }) });
  await writeCheckpoint(writer, 256, tree);
  const [p0, p1, p2, p3] = manifestOf(dir).partitions;
  // A rotten byte in the middle of partition 1's file (file data), partition 2's file gone.
  const [name1] = namesOf(p1);
  const [name2] = namesOf(p2);
  const rotten = join(dir, PARTITIONS_DIR, name1);
  const bytes = readFileSync(rotten);
  bytes[Math.floor(bytes.length / 2)] ^= 0xff;
  writeFileSync(rotten, bytes);
  unlinkSync(join(dir, PARTITIONS_DIR, name2));

  const loaded = loadCheckpoint(dir, options, logger);
  assert.ok(loaded);
  assert.equal(loaded.complete, false);
  assert.equal(loaded.damaged.length, 2);
  assert.match(loaded.damaged[0], new RegExp(`${name1}: checksum mismatch`));
  assert.match(loaded.damaged[1], new RegExp(`${name2}: missing`));
  assert.ok(lines.some((l) => l.includes('refusing a partition file of checkpoint 256') && l.includes(name1)), 'logged by name');
  assert.deepEqual(loaded.good.map((p) => p.index), [p0.index, p3.index]);
  assert.deepEqual(loaded.tree.diffPartitions(tree.partitions()), [p1.index, p2.index], 'the damaged partitions are left out, never used');

  // --durability fsync does not start the core from an incomplete checkpoint.
  const start = loadDataDir(dir, loaded, () => null, logger);
  assert.equal(start.point.seq, 0);
  assert.equal(start.tree, undefined);
  start.wal.close();
  assert.ok(lines.some((l) => l.includes('checkpoint 256 in') && l.includes('is incomplete (2 partition files refused)')));

  // Repair: a fresh replica takes the good partitions from disk and fetches only the two others.
  const source = await serve(tree, 256);
  try {
    const live = new FileTree(options);
    const replicas = [0, source.port].map((port, id) => ({ id, host: '127.0.0.1', port }) as unknown as ReplicaInfo);
    const fetcher = await new Promise<StateFetcher>((resolve) => {
      const f: StateFetcher = new StateFetcher({ self: 0, replicas, tree: live, local: loaded.tree, treeOptions: options, logger, retryDelayMs: 10, onInstalled: () => resolve(f) });
      f.fetch(256, tree.digest());
    });
    fetcher.stop();
    assert.deepEqual(live.digest(), tree.digest());
    assert.equal(fetcher.lastStats?.fetchedPartitions, 2, 'fetched only the damaged partitions');
    assert.equal(fetcher.lastStats?.partitions, 4);

    // The writer, told which files verified, rewrites only the damaged two.
    const next = new CheckpointWriter(dir, logger, {}, loaded.good);
    await writeCheckpoint(next, 256, live);
    assert.equal(next.lastWrite?.filesWritten, 2);
    const repaired = loadCheckpoint(dir, options, logger);
    assert.ok(repaired?.complete);
    assert.deepEqual(repaired.tree.digest(), tree.digest());
  } finally {
    source.server.forceShutdown();
  }
}));

test('a crash after writing partition files but before the manifest leaves the previous checkpoint usable', withDir(async (dir) => {
  const { logger } = capture();
  const tree = bigTree();
  const writer = new CheckpointWriter(dir, logger, { certify: (seq) => ({ seq, proof, view: 0 }) });
  await writeCheckpoint(writer, 128, tree);
  const at128 = tree.digest();
  const before = partitionFiles(dir);
  // The next checkpoint's segment files reach the disk (one half-written), its manifest never does.
  write4k(tree, 'f5', 9);
  fill(tree, 1000, 1010);
  let stray = 0;
  for (const p of tree.partitions()) {
    const segments = tree.partitionSegments(p.index).filter((seg) => !before.includes(segmentFileName(p.index, seg.key)));
    const frozen = tree.freezeSegments(p.index, segments);
    for (const seg of segments) {
      await writeSegmentFile(join(dir, PARTITIONS_DIR), frozen, seg);
      stray++;
    }
  }
  assert.ok(stray >= 2);
  writeFileSync(join(dir, PARTITIONS_DIR, `${partitionFiles(dir).find((name) => !before.includes(name))}.tmp`), new Uint8Array(100));
  const manifestBefore = readFileSync(join(dir, MANIFEST_FILE));

  const loaded = loadCheckpoint(dir, options, logger);
  assert.ok(loaded?.complete, 'checkpoint 128 loads whole');
  assert.equal(loaded.manifest.seq, 128);
  assert.deepEqual(loaded.tree.digest(), at128);
  assert.deepEqual(readFileSync(join(dir, MANIFEST_FILE)), manifestBefore);

  // The restarted writer's first checkpoint leaves only the files its manifest names.
  const next = new CheckpointWriter(dir, logger, {}, loaded.good);
  await writeCheckpoint(next, 256, tree);
  assert.deepEqual(partitionFiles(dir), manifestFiles(dir));
  assert.equal(manifestOf(dir).seq, 256);
}));

test('a checkpoint.bfs of an earlier version loads once and is replaced by a manifest and partition files', withDir(async (dir) => {
  const { logger } = capture();
  const tree = bigTree();
  writeFileSync(join(dir, CHECKPOINT_FILE), encodeCheckpointFile({ seq: 128, digest: tree.digest(), snapshot: tree.snapshot(), proof, view: 1 }));
  const loaded = loadCheckpoint(dir, options, logger);
  assert.ok(loaded?.complete);
  assert.equal(loaded.manifest.seq, 128);
  assert.deepEqual(loaded.manifest.proof, proof);
  const writer = new CheckpointWriter(dir, logger, {}, loaded.good);
  await writeCheckpoint(writer, 256, loaded.tree);
  assert.equal(existsSync(join(dir, CHECKPOINT_FILE)), false);
  assert.deepEqual(loadCheckpoint(dir, options, logger)?.tree.digest(), tree.digest());
}));

test('a manifest that is corrupt, or whose partition list does not imply its digest, is refused naming it', withDir(async (dir) => {
  const { logger, lines } = capture();
  const tree = bigTree();
  const writer = new CheckpointWriter(dir, logger);
  await writeCheckpoint(writer, 128, tree);
  const path = join(dir, MANIFEST_FILE);
  const good = readFileSync(path);
  const rotten = new Uint8Array(good);
  rotten[40] ^= 1;   // inside the state digest
  writeFileSync(path, rotten);
  assert.equal(loadCheckpoint(dir, options, logger), null);
  assert.ok(lines.some((l) => l.includes(`${path}: checksum mismatch`)));
  writeFileSync(path, good.subarray(0, good.length - 5));
  assert.equal(loadCheckpoint(dir, options, logger), null);
  assert.ok(lines.some((l) => l.includes(`${path}: truncated`)));
  // Well-formed, but one partition's digest is not the one the state digest implies.
  const m = decodeManifest(good);
  assert.ok(typeof m !== 'string');
  m.partitions[1] = { ...m.partitions[1], digest: new Uint8Array(32).fill(3) };
  writeFileSync(path, encodeManifest(m));
  assert.equal(loadCheckpoint(dir, options, logger), null);
  assert.ok(lines.some((l) => l.includes(`${path}: its partition list implies state`)));
}));

test('--durability fsync starts the core from a complete checkpoint only when its proof certifies its digest', withDir(async (dir) => {
  const { logger, lines } = capture();
  const tree = bigTree();
  const writer = new CheckpointWriter(dir, logger, { certify: (seq) => ({ seq, proof, view: 3 }) });
  await writeCheckpoint(writer, 384, tree);
  const loaded = loadCheckpoint(dir, options, logger);
  assert.ok(loaded?.complete);
  const seen: [number, string][] = [];
  const good = loadDataDir(dir, loaded, (seq, digest, p) => { seen.push([seq, Buffer.from(digest).toString('hex')]); return p.length === 3 ? null : 'proof-too-small'; }, logger);
  good.wal.close();
  assert.deepEqual(seen, [[384, Buffer.from(tree.digest()).toString('hex')]]);
  assert.equal(good.point.seq, 384);
  assert.equal(good.point.view, 3);
  assert.equal(good.tree, loaded.tree);
  assert.deepEqual(good.digest, tree.digest());
  const bad = loadDataDir(dir, loaded, () => 'proof-mismatch', logger);
  bad.wal.close();
  assert.equal(bad.point.seq, 0);
  assert.equal(bad.tree, undefined);
  assert.ok(lines.some((l) => l.includes('does not certify its digest (proof-mismatch)')));
}));
