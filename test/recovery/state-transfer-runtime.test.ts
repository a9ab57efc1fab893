// The runtime side of state transfer in one process over real gRPC: the
// checkpoint tree lags at the stable checkpoint, the fetcher moves only the
// differing partitions, passes over a replica that serves a wrong state, and
// an earlier version's checkpoint file refuses corrupt or truncated bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { FileTree, ROOT_HANDLE, type FsRequest } from '../../src/fs/index.js';
import { FsStateMachine } from '../../src/replica/fs-state-machine.js';
import { CheckpointingMachine } from '../../src/replica/state-transfer-machine.js';
import { StateFetcher } from '../../src/replica/state-transfer-fetcher.js';
import { stateTransferImplementation, stateTransferService, type CheckpointSource } from '../../src/replica/state-transfer-service.js';
import { CHECKPOINT_FILE, encodeCheckpointFile, readCheckpointFile } from '../../src/replica/persistence/checkpoint-file.js';
import { encodeFsRequest } from '../../src/transport/codec.js';
import type { ReplicaInfo } from '../../src/transport/cluster-config.js';

const hash = (d: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(d).digest());
const options = { hash };
const cred = { uid: 0, gid: 0, groups: [] };
const logLines: string[] = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => { logLines.push(line); } });

function machine(): CheckpointingMachine {
  const live = new FileTree(options);
  const ck = new FileTree(options);
  const allow = (): boolean => true;
  return new CheckpointingMachine(live, new FsStateMachine(live, allow), ck, new FsStateMachine(ck, allow));
}

const createOp = (name: string): Uint8Array => encodeFsRequest({ cred, op: 'create', create: { dir: ROOT_HANDLE, name, mode: 0o644, exclusive: true, truncate: false } } as FsRequest);

function fill(tree: FileTree, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const r = tree.apply({ cred, op: 'create', create: { dir: ROOT_HANDLE, name: `f${i}`, mode: 0o644, exclusive: true, truncate: false } }, 1000 + i);
    if (r.res !== 'create') throw new Error('create failed');
    tree.apply({ cred, op: 'write', write: { fh: r.create.attr.fh, offset: 0, data: new Uint8Array(3000).fill(i & 0xff), append: false } }, 1000 + i);
  }
}

async function serve(src: CheckpointSource): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService(stateTransferService, stateTransferImplementation(src));
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { server, port };
}

test('the checkpoint tree holds the state as of the stable checkpoint, not the live state', () => {
  const m = machine();
  m.execute(createOp('a'), 1, 10);
  m.checkpointTaken(1);
  const atOne = m.digest();
  m.execute(createOp('b'), 1, 11);
  m.beginTentative();
  m.execute(createOp('c'), 1, 12);
  m.rollbackTentative();
  m.checkpointStable(1);
  assert.deepEqual(m.checkpointTree.digest(), atOne);
  assert.equal(m.checkpointSeq, 1);
  m.checkpointTaken(2);
  m.checkpointStable(2);
  assert.deepEqual(m.checkpointTree.digest(), m.live.digest());
});

test('the fetcher moves only differing partitions and passes over a replica serving a wrong state', async () => {
  const good = new FileTree(options);
  fill(good, 0, 700);
  const bad = new FileTree(options);
  fill(bad, 0, 701);
  const target = new FileTree(options);
  fill(target, 0, 300);   // the first partition(s) differ, later ones are missing
  const liar = await serve({ checkpointTree: bad, checkpointSeq: 256 });
  const honest = await serve({ checkpointTree: good, checkpointSeq: 256 });
  const replicas = [0, liar.port, honest.port].map((port, id) => ({ id, host: '127.0.0.1', port }) as unknown as ReplicaInfo);
  const wanted = target.diffPartitions(good.partitions());
  try {
    const installed = await new Promise<number>((resolve) => {
      const f = new StateFetcher({ self: 0, replicas, tree: target, treeOptions: options, logger, retryDelayMs: 10, onInstalled: (seq) => { f.stop(); resolve(seq); } });
      f.fetch(256, good.digest());
    });
    assert.equal(installed, 256);
    assert.deepEqual(target.digest(), good.digest());
    assert.ok(logLines.some((l) => l.includes('state transfer from replica 1 failed') && l.includes('partition listing implies')), 'the liar was tried and refused');
    assert.ok(wanted.length < good.partitions().length + 1 && wanted.length >= 2, `fetched ${wanted.length} partitions`);
  } finally {
    liar.server.forceShutdown();
    honest.server.forceShutdown();
  }
});

test('a checkpoint.bfs of an earlier version round-trips; corrupt or truncated files are refused naming the problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bfs-ckpt-'));
  try {
    assert.equal(readCheckpointFile(dir), null);
    const tree = new FileTree(options);
    fill(tree, 0, 20);
    const path = join(dir, CHECKPOINT_FILE);
    const bytes = encodeCheckpointFile({ seq: 384, digest: tree.digest(), snapshot: tree.snapshot() });
    writeFileSync(path, bytes);
    const cp = readCheckpointFile(dir);
    assert.ok(cp && typeof cp !== 'string');
    assert.equal(cp.seq, 384);
    assert.deepEqual(FileTree.restore(cp.snapshot, options).digest(), tree.digest());
    const rotten = new Uint8Array(bytes);
    rotten[Math.floor(rotten.length / 2)] ^= 0xff;
    writeFileSync(path, rotten);
    assert.match(String(readCheckpointFile(dir)), /checkpoint\.bfs: checksum mismatch/);
    writeFileSync(path, bytes.subarray(0, 100));
    assert.match(String(readCheckpointFile(dir)), /truncated/);
    writeFileSync(path, 'hello');
    assert.match(String(readCheckpointFile(dir)), /truncated/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
