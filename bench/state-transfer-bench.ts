// State transfer over real gRPC on 127.0.0.1, source and fetcher in separate
// processes (as two replicas would be): a source process builds a tree and
// serves it as its checkpoint (StateTransfer service); a fetcher process
// catches up an empty tree with StateFetcher (listing checked, chunked
// partitions, each verified before install, final digest checked) and reports
// time, rate, its peak RSS and the largest reply. Two shapes:
//   small: many 16 KiB files, 256 per directory (partitions of ~4 MiB)
//   big:   4 files of size/4 each (one partition of the whole tree: the case
//          whole-partition blobs could not move past the 64 MiB message limit)
// Prints a Markdown table, writes bench/results/state-transfer.{json,md,svg}.
//
// Run: npx tsx bench/state-transfer-bench.ts [--sizes 256,1024] [--shapes small,big] [--chunk-kib 4096]
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { FileTree } from '../src/fs/index.js';
import { ReplicaMetrics } from '../src/replica/metrics.js';
import { FsStateMachine } from '../src/replica/fs-state-machine.js';
import { StateFetcher } from '../src/replica/state-transfer-fetcher.js';
import { CheckpointingMachine } from '../src/replica/state-transfer-machine.js';
import { stateTransferImplementation, stateTransferService } from '../src/replica/state-transfer-service.js';
import type { ReplicaInfo } from '../src/transport/cluster-config.js';
import { intList, positiveInt } from './lib/args.js';
import { buildTree as buildBenchTree, SMALL_FILE_BYTES, type TreeShape } from './lib/bench-trees.js';
import { describeEnvironment, environmentLine } from './lib/environment.js';
import { REPO_ROOT } from './lib/paths.js';
import { markdownTable, writeResults } from './lib/results.js';
import { barChart } from './lib/svg-chart.js';

const hash = (d: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(d).digest());
// The default limits hold 1 GiB trees (totalBytesMax 4 GiB, fileBytesMax 1 GiB).
const TREE_OPTIONS = { hash };
const SEQ = 128;
const MiB = 1024 * 1024;
type Shape = TreeShape;

/** The bench tree (bench/lib/bench-trees.ts) as the source serves it. */
function buildTree(shape: Shape, mib: number): FileTree {
  return buildBenchTree(shape, mib, TREE_OPTIONS).tree;
}

// ── the source process ─────────────────────────────────────────────────────

interface SourceReady { port: number; digest: string; buildMs: number; partitions: number; inodes: number; usedBytes: number }

async function serveSource(shape: Shape, mib: number): Promise<void> {
  const started = performance.now();
  const tree = buildTree(shape, mib);
  const digest = Buffer.from(tree.digest()).toString('hex');
  const buildMs = performance.now() - started;
  const server = new grpc.Server({ 'grpc.max_send_message_length': 80 * MiB, 'grpc.max_receive_message_length': 80 * MiB });
  server.addService(stateTransferService, stateTransferImplementation({ checkpointTree: tree, checkpointSeq: SEQ }));
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const ready: SourceReady = { port, digest, buildMs, partitions: tree.partitions().length, inodes: tree.stats().inodes, usedBytes: tree.stats().usedBytes };
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  // Asked to stop: report the CPU serving took (the orchestrator reads it).
  process.once('SIGTERM', () => {
    const used = process.cpuUsage(cpu);
    server.forceShutdown();
    process.stdout.write(`${JSON.stringify({ serveCpuMs: (used.user + used.system) / 1000 })}\n`, () => process.exit(0));
  });
}

// ── the fetcher process ────────────────────────────────────────────────────

interface FetchResult {
  fetchMs: number; installMs: number; catchUpMs: number; bytes: number; chunks: number; partitions: number;
  chunkBytesLargest: number; maxRssMiB: number; cpuMs: number; usedBytes: number; metrics: string[];
}

async function fetchOnce(port: number, digestHex: string, chunkBytes: number): Promise<void> {
  const replicas = [0, 1].map((id) => ({ id, host: '127.0.0.1', port }) as unknown as ReplicaInfo);
  // As in a replica: the live tree the fetcher fills, and the checkpoint tree
  // that machine.installed() then brings to the same state (a second copy).
  const tree = new FileTree(TREE_OPTIONS);
  const checkpointTree = new FileTree(TREE_OPTIONS);
  const allow = (): boolean => true;
  const machine = new CheckpointingMachine(tree, new FsStateMachine(tree, allow), checkpointTree, new FsStateMachine(checkpointTree, allow));
  const metrics = new ReplicaMetrics();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let installMs = 0;
  const fetcher = await new Promise<StateFetcher>((resolve) => {
    const f: StateFetcher = new StateFetcher({
      self: 0, replicas, tree, treeOptions: TREE_OPTIONS, logger: pino({ level: 'warn' }), metrics,
      chunkBytesMax: chunkBytes,
      onInstalled: (seq) => {
        const t = performance.now();
        machine.installed(seq);
        installMs = performance.now() - t;
        resolve(f);
      },
    });
    f.fetch(SEQ, new Uint8Array(Buffer.from(digestHex, 'hex')));
  });
  const catchUpMs = performance.now() - started;
  if (Buffer.compare(checkpointTree.digest(), tree.digest()) !== 0) throw new Error('the checkpoint tree differs from the live tree after installed()');
  const used = process.cpuUsage(cpu);
  const s = fetcher.lastStats;
  fetcher.stop();
  if (!s) throw new Error('no transfer stats');
  const text = await metrics.text();
  const result: FetchResult = {
    fetchMs: s.ms, installMs, catchUpMs, bytes: s.bytes, chunks: s.chunks, partitions: s.fetchedPartitions, chunkBytesLargest: s.chunkBytesLargest,
    maxRssMiB: process.resourceUsage().maxRSS / 1024, cpuMs: (used.user + used.system) / 1000, usedBytes: tree.stats().usedBytes,
    metrics: text.split('\n').filter((l) => l.startsWith('bfs_state_transfer') && !l.includes('_bucket')),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ── the orchestrator ───────────────────────────────────────────────────────

const SELF = fileURLToPath(import.meta.url);

function child(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', SELF, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The child's stdout as JSON lines, one at a time. */
function lines(c: ChildProcess): () => Promise<unknown> {
  const queue: string[] = [];
  const waiting: ((line: string | null) => void)[] = [];
  const rl = createInterface({ input: c.stdout as NodeJS.ReadableStream });
  rl.on('line', (line) => { const w = waiting.shift(); if (w) w(line); else queue.push(line); });
  rl.on('close', () => { for (const w of waiting.splice(0)) w(null); });
  return () => new Promise((resolve, reject) => {
    const take = (line: string | null): void => (line === null ? reject(new Error('child exited before reporting')) : resolve(JSON.parse(line)));
    const queued = queue.shift();
    if (queued !== undefined) take(queued); else waiting.push(take);
  });
}

interface Row extends FetchResult {
  shape: Shape; mib: number; source: SourceReady; mibPerS: number; loadAverage1m: number;
  /** The source's CPU while serving, and the rate if each process had a core of its own. */
  sourceCpuMs: number; cpuBoundMibPerS: number;
}

async function measure(shape: Shape, mib: number, chunkBytes: number): Promise<Row> {
  process.stderr.write(`state transfer bench: building ${mib} MiB (${shape}) in the source process...\n`);
  const src = child(['--serve', shape, String(mib)]);
  const fromSource = lines(src);
  try {
    const source = await fromSource() as SourceReady;
    process.stderr.write(`  built in ${(source.buildMs / 1000).toFixed(1)} s: ${source.inodes} inodes, ${source.partitions} partitions; fetching...\n`);
    const r = await lines(child(['--fetch', String(source.port), source.digest, String(chunkBytes)]))() as FetchResult;
    if (r.usedBytes !== source.usedBytes) throw new Error(`fetched ${r.usedBytes} bytes of data, the source has ${source.usedBytes}`);
    const loadAverage1m = Math.round(loadavg()[0] * 10) / 10;
    src.kill('SIGTERM');
    const { serveCpuMs } = await fromSource() as { serveCpuMs: number };
    const mibPerS = r.bytes / MiB / (r.catchUpMs / 1000);
    const cpuBoundMibPerS = r.bytes / MiB / (Math.max(r.cpuMs, serveCpuMs) / 1000);
    process.stderr.write(`  ${(r.catchUpMs / 1000).toFixed(1)} s, ${mibPerS.toFixed(0)} MiB/s, peak RSS ${r.maxRssMiB.toFixed(0)} MiB, CPU fetcher ${(r.cpuMs / 1000).toFixed(1)} s source ${(serveCpuMs / 1000).toFixed(1)} s\n`);
    return { ...r, shape, mib, source, mibPerS, loadAverage1m, sourceCpuMs: serveCpuMs, cpuBoundMibPerS };
  } finally {
    if (src.exitCode === null) src.kill('SIGTERM');
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--serve') return serveSource(argv[1] as Shape, Number(argv[2]));
  if (argv[0] === '--fetch') return fetchOnce(Number(argv[1]), argv[2], Number(argv[3]));
  let sizes = [256, 1024];
  let shapes: Shape[] = ['small', 'big'];
  let chunkBytes = 4 * MiB;
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--sizes') sizes = intList(argv[i + 1], '--sizes');
    else if (argv[i] === '--shapes') shapes = argv[i + 1].split(',').map((s) => { if (s !== 'small' && s !== 'big') throw new Error(`--shapes: small or big, got ${s}`); return s; });
    else if (argv[i] === '--chunk-kib') chunkBytes = positiveInt(argv[i + 1], '--chunk-kib') * 1024;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  const rows: Row[] = [];
  for (const mib of sizes) for (const shape of shapes) rows.push(await measure(shape, mib, chunkBytes));
  const env = await describeEnvironment(REPO_ROOT);
  const describe = (s: Shape, mib: number): string => (s === 'big' ? `4 files of ${mib / 4} MiB` : `${(mib * MiB) / SMALL_FILE_BYTES} files of 16 KiB`);
  const table = markdownTable(
    ['tree', 'shape', 'partitions', 'MiB moved', 'catch-up s', 'MiB/s', 'of which checkpoint-tree install s', 'chunks', 'largest reply MiB',
      'fetcher peak RSS MiB', 'CPU s fetcher / source', 'MiB/s if CPU-bound', 'load (1 min)'],
    rows.map((r) => [
      `${r.mib} MiB`, describe(r.shape, r.mib), String(r.partitions), (r.bytes / MiB).toFixed(0), (r.catchUpMs / 1000).toFixed(2), r.mibPerS.toFixed(0),
      (r.installMs / 1000).toFixed(2), String(r.chunks), (r.chunkBytesLargest / MiB).toFixed(2), r.maxRssMiB.toFixed(0),
      `${(r.cpuMs / 1000).toFixed(1)} / ${(r.sourceCpuMs / 1000).toFixed(1)}`, r.cpuBoundMibPerS.toFixed(0), String(r.loadAverage1m),
    ]),
  );
  const markdown = [
    '# State transfer: catch-up of an empty replica',
    '',
    environmentLine(env),
    '',
    `Source and fetcher are separate processes on 127.0.0.1 (gRPC, StateTransfer.Fetch), chunks of at most ${chunkBytes / 1024} KiB per reply, one call ahead. ` +
      'Catch-up = from the fetch request to the state installed: listing checked against the certified digest, every partition staged, ' +
      'its digest checked, installed, then the whole digest checked, then shared with the checkpoint tree (CheckpointingMachine.installed, ' +
      'as a replica does); the log replay after it is not included. ' +
      'MiB moved counts partition bytes on the wire (file data + metadata). Peak RSS includes the installed trees (the checkpoint tree shares the file blocks of the live one).',
    '',
    table,
    '',
    'MiB/s if CPU-bound = MiB moved / the larger of the two processes\' CPU seconds during the transfer: the rate with a free core for each, ' +
      'what the wall-clock rate approaches on an idle machine.',
    '',
  ].join('\n');
  const svg = barChart({
    title: 'State transfer rate (MiB/s)', yLabel: 'MiB/s', categories: sizes.map((s) => `${s} MiB`),
    series: shapes.map((shape) => ({ name: shape === 'big' ? '4 big files' : '16 KiB files', values: sizes.map((mib) => rows.find((r) => r.shape === shape && r.mib === mib)?.mibPerS ?? null) })),
  });
  const files = await writeResults('state-transfer', { environment: env, chunkBytes, rows }, markdown, svg);
  console.log(markdown);
  console.log(`wrote ${files.json}, ${files.markdown}, ${files.svg}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`state-transfer bench: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
