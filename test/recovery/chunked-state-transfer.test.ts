// Chunked state transfer over real gRPC: a partition many times larger than
// one chunk (and than the fetcher's message limit) moves in bounded replies,
// is verified before it is installed, and every kind of lying or silent
// source makes the fetcher move on to the next replica. Metrics count it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { FileTree, ROOT_HANDLE, type FsRequest, type FsResult } from '../../src/fs/index.js';
import { FsStateMachine } from '../../src/replica/fs-state-machine.js';
import { ReplicaMetrics } from '../../src/replica/metrics.js';
import { StateFetcher } from '../../src/replica/state-transfer-fetcher.js';
import { CheckpointingMachine } from '../../src/replica/state-transfer-machine.js';
import {
  answerFetch, decodeFetchRequest, encodeFetchReply, stateTransferService,
  type FetchStateReply, type FetchStateRequest,
} from '../../src/replica/state-transfer-service.js';
import { decodeFsResult, encodeFsRequest } from '../../src/transport/codec.js';
import type { ReplicaInfo } from '../../src/transport/cluster-config.js';

const hash = (d: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(d).digest());
const options = { hash };
const cred = { uid: 0, gid: 0, groups: [] };
const SEQ = 256;
const CHUNK_BYTES = 64 * 1024;
/** The fetcher's receive limit: maxMessageBytes + 1 MiB. A whole partition blob would not fit. */
const MESSAGE_BYTES = 256 * 1024;
/** One unit (a 4 KiB block with its tag and index, or a head) may go past the budget; plus framing. */
const REPLY_BYTES_MAX = CHUNK_BYTES + 4096 + 1024;

function apply(tree: FileTree, r: FsRequest, t: number): FsResult {
  const res = tree.apply(r, t);
  if (res.errno !== 0) throw new Error(`${r.op}: errno ${res.errno}`);
  return res;
}

/** Partition 0 holds 4 files of 1 MiB (about 4 MiB: 64 chunks); a few small files and client replies besides. */
function bigPartitionTree(variant = 0): FileTree {
  const tree = new FileTree(options);
  const data = new Uint8Array(256 * 1024);
  for (let f = 0; f < 4; f++) {
    const c = apply(tree, { cred, op: 'create', create: { dir: ROOT_HANDLE, name: `big${f}`, mode: 0o644, exclusive: true, truncate: false } }, 1000 + f);
    if (c.res !== 'create') throw new Error('create');
    for (let k = 0; k < 4; k++) apply(tree, { cred, op: 'write', write: { fh: c.create.attr.fh, offset: k * data.length, data: data.fill(f * 4 + k + variant), append: false } }, 1000 + f);
  }
  for (let i = 0; i < 300; i++) apply(tree, { cred, op: 'create', create: { dir: ROOT_HANDLE, name: `s${i}`, mode: 0o644, exclusive: true, truncate: false } }, 2000 + i);
  for (let c = 1; c <= 5; c++) tree.recordReply(c, c, new Uint8Array(100).fill(c));
  return tree;
}

type Answer = (req: FetchStateRequest) => FetchStateReply | 'hang';

interface Served { server: grpc.Server; port: number; replyBytes: number[] }

async function serve(answer: Answer): Promise<Served> {
  const server = new grpc.Server();
  const replyBytes: number[] = [];
  server.addService(stateTransferService, {
    Fetch: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const req = decodeFetchRequest(call.request);
      if (!req) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'malformed' });
      const reply = answer(req);
      if (reply === 'hang') return;   // a silent replica: the fetcher's deadline must end the call
      const bytes = encodeFetchReply(reply);
      replyBytes.push(bytes.length);
      callback(null, Buffer.from(bytes));
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { server, port, replyBytes };
}

const honest = (tree: FileTree): Answer => (req) => answerFetch({ checkpointTree: tree, checkpointSeq: SEQ }, req);

/** Honest listings, chunk replies changed by `lie` (after the first `after` chunk replies). */
function lying(tree: FileTree, lie: (reply: FetchStateReply) => FetchStateReply | 'hang', after = 3): Answer {
  let chunkReplies = 0;
  return (req) => {
    const reply = honest(tree)(req);
    if (reply === 'hang' || reply.chunks.length === 0) return reply;
    return ++chunkReplies > after ? lie(reply) : reply;
  };
}

/** One byte of file data: the lie lands in a chunk of blocks (header 16 bytes, then tag and index of a block). */
const flipDataByte = (reply: FetchStateReply): FetchStateReply => {
  const data = reply.chunks[0].data.slice();
  data[16 + 1 + 8 + 100] ^= 1;
  return { ...reply, chunks: [{ ...reply.chunks[0], data }, ...reply.chunks.slice(1)] };
};

interface Run { installed: boolean; fetcher: StateFetcher; target: FileTree; logs: string[]; metrics: ReplicaMetrics }

/** Fetch `source`'s checkpoint into an empty tree from the servers in order (replica 0 is us). */
async function fetchFrom(source: FileTree, servers: Served[], timeoutMs = 20_000): Promise<Run> {
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => { logs.push(line); } });
  const metrics = new ReplicaMetrics();
  const replicas = [0, ...servers.map((s) => s.port)].map((port, id) => ({ id, host: '127.0.0.1', port }) as unknown as ReplicaInfo);
  const target = new FileTree(options);
  let fetcher: StateFetcher | undefined;
  const installed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    fetcher = new StateFetcher({
      self: 0, replicas, tree: target, treeOptions: options, logger, metrics, retryDelayMs: 10, callTimeoutMs: 1000,
      chunkBytesMax: CHUNK_BYTES, maxMessageBytes: MESSAGE_BYTES,
      onInstalled: () => { clearTimeout(timer); resolve(true); },
    });
    fetcher.fetch(SEQ, source.digest());
  });
  fetcher?.stop();
  for (const s of servers) s.server.forceShutdown();
  return { installed, fetcher: fetcher as StateFetcher, target, logs, metrics };
}

async function metricValue(m: ReplicaMetrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const found = (await m.registry.getSingleMetric(name)?.get())?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return found?.value ?? 0;
}

test('a partition many chunks large moves in bounded replies, past a lying and a silent replica', async () => {
  const source = bigPartitionTree();
  const partition0 = source.exportPartition(0).length;
  assert.ok(partition0 > 16 * CHUNK_BYTES && partition0 > MESSAGE_BYTES + 1024 * 1024, `partition 0 is ${partition0} bytes`);
  const liar = await serve(lying(source, flipDataByte));
  const silent = await serve(lying(source, () => 'hang', 0));
  const good = await serve(honest(source));
  const run = await fetchFrom(source, [liar, silent, good]);
  assert.ok(run.installed, 'installed');
  assert.deepEqual(run.target.digest(), source.digest());
  assert.deepEqual(run.target.snapshot(), source.snapshot());
  const stats = run.fetcher.lastStats;
  assert.ok(stats && stats.source === 3, `from the honest replica: ${JSON.stringify(stats)}`);
  assert.ok(stats.chunks >= partition0 / CHUNK_BYTES, `${stats.chunks} chunks`);
  assert.ok(stats.chunkBytesLargest <= CHUNK_BYTES + 4200, `largest reply carried ${stats.chunkBytesLargest} partition bytes`);
  assert.ok(Math.max(...good.replyBytes) <= REPLY_BYTES_MAX, `largest reply ${Math.max(...good.replyBytes)} bytes`);
  assert.ok(run.logs.some((l) => l.includes('state transfer from replica 1 failed') && l.includes('does not match the expected digest')), 'the liar is refused');
  assert.ok(run.logs.some((l) => l.includes('state transfer from replica 2 failed') && /deadline/i.test(l)), 'the silent one times out');
  assert.equal(await metricValue(run.metrics, 'bfs_state_transfers_total', { result: 'refused' }), 1);
  assert.equal(await metricValue(run.metrics, 'bfs_state_transfers_total', { result: 'failed' }), 1);
  assert.equal(await metricValue(run.metrics, 'bfs_state_transfers_total', { result: 'installed' }), 1);
  assert.equal(await metricValue(run.metrics, 'bfs_state_transfer_partitions_total', { from: 'network' }), source.partitions().length);
  assert.ok(await metricValue(run.metrics, 'bfs_state_transfer_bytes_total') > partition0);
  assert.equal(await metricValue(run.metrics, 'bfs_state_transfer_in_progress'), 0);
  const text = await run.metrics.text();
  assert.match(text, /bfs_state_transfer_duration_seconds_count 1/);
});

test('each way of lying about chunks is refused and the next replica serves the state', async () => {
  const source = bigPartitionTree();
  const other = bigPartitionTree(1);
  const lies: [string, Answer, RegExp][] = [
    ['flipped data', lying(source, flipDataByte), /does not match the expected digest/],
    ['another tree\'s chunks', (req) => (req.chunked ? answerFetch({ checkpointTree: other, checkpointSeq: SEQ }, req) : honest(source)(req) as FetchStateReply),
      /does not match the expected digest/],
    ['a cursor that skips ahead', lying(source, (r) => {
      const bad = honest(source)({ seq: SEQ, list: false, partitions: [0], bytesMax: CHUNK_BYTES * 2, chunked: true, cursor: r.chunks.at(-1)?.next });
      return { ...r, chunks: r.chunks.map((c, i) => (i === r.chunks.length - 1 && !c.done && bad !== 'hang' ? { ...c, next: bad.chunks[0].next } : c)) };
    }), /cursor for partition 0 does not follow/],
    ['a chunk of another partition', lying(source, (r) => ({ ...r, chunks: r.chunks.map((c) => ({ ...c, index: c.index + 1 })) })), /chunk of partition/],
    ['chunks without progress', lying(source, (r) => ({ ...r, chunks: [{ ...r.chunks[0], data: r.chunks[0].data.subarray(0, 16), done: false }] })), /without progress/],
    ['no chunk at all', lying(source, (r) => ({ ...r, chunks: [] })), /sent no chunk/],
    ['the end too early', lying(source, (r) => ({ ...r, chunks: r.chunks.map((c) => ({ ...c, done: true })) })), /announced|does not match/],
  ];
  for (const [what, answer, refusal] of lies) {
    const run = await fetchFrom(source, [await serve(answer), await serve(honest(source))]);
    assert.ok(run.installed, `${what}: installed`);
    assert.deepEqual(run.target.digest(), source.digest(), what);
    assert.equal(run.fetcher.lastStats?.source, 2, what);
    const refused = run.logs.find((l) => l.includes('state transfer from replica 1 failed'));
    assert.match(refused ?? '', refusal, what);
    assert.equal(await metricValue(run.metrics, 'bfs_state_transfers_total', { result: 'refused' }), 1, what);
  }
});

test('partitions installed before a source lies stay installed; the next source sends only the rest', async () => {
  const source = bigPartitionTree();
  const src2 = FileTree.restore(source.snapshot(), options);
  // A source that serves partition 0 honestly and lies in partition 1: partition 0 stays installed.
  let lied = false;
  const partial: Answer = (req) => {
    const reply = honest(source)(req);
    if (reply === 'hang' || !reply.chunks.some((c) => c.index === 1)) return reply;
    lied = true;
    return { ...reply, chunks: reply.chunks.map((c) => (c.index === 1 ? { ...c, data: src2.exportPartitionChunk(0, undefined, 100).bytes } : c)) };
  };
  const run = await fetchFrom(source, [await serve(partial), await serve(honest(source))]);
  assert.ok(lied && run.installed);
  assert.deepEqual(run.target.digest(), source.digest());
  const network = await metricValue(run.metrics, 'bfs_state_transfer_partitions_total', { from: 'network' });
  assert.ok(network >= source.partitions().length, `${network} partitions installed from the network`);
  assert.ok((run.fetcher.lastStats?.fetchedPartitions ?? 0) < source.partitions().length, 'the second source sent only what the first did not');
});

test('installing a transferred state shares the blocks with the checkpoint tree; a write to either copies them', () => {
  const live = new FileTree(options);
  const ck = new FileTree(options);
  const allow = (): boolean => true;
  const m = new CheckpointingMachine(live, new FsStateMachine(live, allow), ck, new FsStateMachine(ck, allow));
  const source = bigPartitionTree();
  const expected = new Map(source.partitions().map((p) => [p.index, p.digest]));
  for (const i of live.diffPartitions(source.partitions())) {
    const imp = live.importPartitionChunks(i);
    let cursor: Uint8Array | undefined;
    for (;;) {
      const c = source.exportPartitionChunk(i, cursor, CHUNK_BYTES);
      imp.push(c.bytes);
      if (c.done) break;
      cursor = c.next;
    }
    imp.finish(expected.get(i) ?? new Uint8Array(32));
  }
  m.installed(SEQ);
  assert.deepEqual(ck.digest(), source.digest());
  assert.deepEqual(ck.snapshot(), source.snapshot());
  assert.equal(m.checkpointSeq, SEQ);
  // The trees share file blocks after the install; a write to one must not show in the other.
  const big0 = live.apply({ cred, op: 'lookup', lookup: { dir: ROOT_HANDLE, name: 'big0' } }, 1);
  assert.ok(big0.res === 'lookup');
  const run = (r: FsRequest, t: number): void => assert.equal(decodeFsResult(m.execute(encodeFsRequest(r), 1, t))?.errno, 0, r.op);
  run({ cred, op: 'write', write: { fh: big0.lookup.attr.fh, offset: 10, data: new Uint8Array(100).fill(0xee), append: false } }, 5000);
  assert.deepEqual(ck.snapshot(), source.snapshot(), 'a write to the live tree does not reach the shared block');
  run({ cred, op: 'setattr', setattr: { fh: big0.lookup.attr.fh, size: 5, atimeNow: false, mtimeNow: false } }, 5001);
  assert.deepEqual(ck.digest(), source.digest(), 'the checkpoint tree still holds the installed state');
  assert.deepEqual(ck.snapshot(), source.snapshot());
  assert.notDeepEqual(live.digest(), source.digest());
  m.checkpointTaken(SEQ + 1);
  m.checkpointStable(SEQ + 1);
  assert.deepEqual(ck.digest(), live.digest(), 'replaying the same ops on the checkpoint tree gives the same state');
});
