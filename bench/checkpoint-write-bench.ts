// The checkpoint on disk (`bfs replica --data DIR`), before and after it became
// incremental, for a big tree with one 4 KiB write between checkpoints:
//   before: one snapshot of the whole tree per stable checkpoint
//           (FileTree.snapshot + checkpoint.bfs, tmp + fsync + rename)
//   after:  the segments of partitions that have no file yet + the manifest
//           (CheckpointWriter: freeze, chunked writes, fsync, GC)
// and the start-up load of each (in a fresh process: time and peak RSS).
// Per checkpoint: wall time, bytes written, the longest event-loop stall (the
// replica serves nothing meanwhile) and the extra memory held while writing.
// Prints a Markdown table, writes bench/results/checkpoint-write.{json,md,svg}.
//
// Run: npx tsx bench/checkpoint-write-bench.ts [--mib 1024] [--shapes small,big] [--rounds 5]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { FileTree } from '../src/fs/index.js';
import { CHECKPOINT_FILE, encodeCheckpointFile, readCheckpointFile } from '../src/replica/persistence/checkpoint-file.js';
import { loadCheckpoint } from '../src/replica/persistence/checkpoint-load.js';
import { CheckpointWriter } from '../src/replica/persistence/checkpoint-writer.js';
import { fsyncDir, writeFileAtomic } from '../src/replica/persistence/durable-files.js';
import { positiveInt } from './lib/args.js';
import { buildTree, write4k, type TreeShape } from './lib/bench-trees.js';
import { describeEnvironment, environmentLine } from './lib/environment.js';
import { REPO_ROOT } from './lib/paths.js';
import { markdownTable, writeResults } from './lib/results.js';
import { barChart } from './lib/svg-chart.js';

const hash = (d: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(d).digest());
const TREE_OPTIONS = { hash };
const MiB = 1024 * 1024;
const K = 128;
const silent = pino({ level: 'silent' });

/** One checkpoint written: what it cost. */
interface WriteCost {
  ms: number;
  bytes: number;
  /** The longest the event loop was held (the snapshot is one synchronous call). */
  stallMs: number;
  /** Memory held for the write beyond the tree (ArrayBuffers: snapshot bytes, chunks). */
  extraMiB: number;
  filesWritten?: number;
  freezeMs?: number;
  freezeCpuMs?: number;
}

interface Measured {
  shape: TreeShape; mib: number; buildMs: number; partitions: number; usedBytes: number;
  before: WriteCost[];
  afterFirst: WriteCost;
  after: WriteCost[];
}

interface Loaded { ms: number; maxRssMiB: number; bytes: number; complete: boolean }

const arrayBuffersMiB = (): number => process.memoryUsage().arrayBuffers / MiB;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `write` under a 1 ms timer that records the longest gap between its
 * ticks (the event loop held that long: nothing else ran) and samples
 * ArrayBuffer memory. Garbage is collected first so the baseline is the tree.
 */
async function watched(write: () => Promise<Omit<WriteCost, 'stallMs' | 'extraMiB' | 'ms'>>): Promise<WriteCost> {
  globalThis.gc?.();
  const base = arrayBuffersMiB();
  let peak = base;
  let last = performance.now();
  let gapMs = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const t = performance.now();
    gapMs = Math.max(gapMs, t - last);
    last = t;
    if (++ticks % 5 === 0) peak = Math.max(peak, arrayBuffersMiB());
  }, 1);
  await sleep(20);   // the timer runs before the write starts
  gapMs = 0;
  const started = performance.now();
  const r = await write();
  const ms = performance.now() - started;
  await sleep(5);    // one more tick: a stall at the very end counts too
  clearInterval(timer);
  peak = Math.max(peak, arrayBuffersMiB());
  return { ...r, ms, stallMs: gapMs, extraMiB: peak - base };
}

/** The old way: the whole tree's snapshot in one checkpoint.bfs. */
async function writeFull(dir: string, tree: FileTree, seq: number): Promise<Omit<WriteCost, 'stallMs' | 'extraMiB' | 'ms'>> {
  const bytes = encodeCheckpointFile({ seq, digest: tree.digest(), snapshot: tree.snapshot(), proof: [], view: 0 });
  await writeFileAtomic(join(dir, CHECKPOINT_FILE), bytes);
  await fsyncDir(dir);
  return { bytes: bytes.length };
}

async function measure(shape: TreeShape, mib: number, rounds: number, root: string): Promise<void> {
  const started = performance.now();
  const t = buildTree(shape, mib, TREE_OPTIONS);
  t.tree.digest();
  const buildMs = performance.now() - started;
  process.stderr.write(`  built in ${(buildMs / 1000).toFixed(1)} s; before (full snapshot)...\n`);
  const legacyDir = join(root, 'before');
  const dir = join(root, 'after');
  mkdirSync(legacyDir, { recursive: true });
  const before: WriteCost[] = [];
  for (let r = 0; r < Math.min(rounds, 2); r++) {
    write4k(t, r, 1000 + r);
    before.push(await watched(() => writeFull(legacyDir, t.tree, K * (r + 1))));
  }
  process.stderr.write(`  ${before.map((c) => `${(c.ms / 1000).toFixed(1)} s`).join(', ')}; after (incremental)...\n`);
  const writer = new CheckpointWriter(dir, silent, { certify: (seq) => ({ seq, proof: [], view: 0 }) });
  const checkpoint = async (seq: number): Promise<Omit<WriteCost, 'stallMs' | 'extraMiB' | 'ms'>> => {
    // The synchronous part (list, cut, freeze): its CPU too, since wall time on a shared machine includes waiting for a core.
    const cpu = process.cpuUsage();
    writer.checkpointAdvanced(seq, t.tree);
    const used = process.cpuUsage(cpu);
    await writer.idle();
    const s = writer.lastWrite;
    if (s?.seq !== seq) throw new Error(`checkpoint ${seq} was not written`);
    return { bytes: s.bytesWritten, filesWritten: s.filesWritten, freezeMs: s.freezeMs, freezeCpuMs: (used.user + used.system) / 1000 };
  };
  const afterFirst = await watched(() => checkpoint(K));
  const after: WriteCost[] = [];
  for (let r = 0; r < rounds; r++) {
    write4k(t, 17 + r, 2000 + r);
    after.push(await watched(() => checkpoint(K * (r + 2))));
  }
  const stats = t.tree.stats();
  const out: Measured = { shape, mib, buildMs, partitions: t.tree.partitions().length, usedBytes: stats.usedBytes, before, afterFirst, after };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function loadAfter(dir: string): void {
  const started = performance.now();
  const loaded = loadCheckpoint(dir, TREE_OPTIONS, silent);
  const ms = performance.now() - started;
  const out: Loaded = { ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, bytes: loaded?.bytes ?? 0, complete: loaded?.complete ?? false };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function loadBefore(dir: string): void {
  const started = performance.now();
  const found = readCheckpointFile(dir);
  if (!found || typeof found === 'string') throw new Error(`no checkpoint.bfs: ${String(found)}`);
  const tree = FileTree.restore(found.snapshot, TREE_OPTIONS);
  const complete = Buffer.compare(tree.digest(), found.digest) === 0;
  const ms = performance.now() - started;
  const out: Loaded = { ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, bytes: found.snapshot.length, complete };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// ── the orchestrator ───────────────────────────────────────────────────────

const SELF = fileURLToPath(import.meta.url);

/** Runs this file in a child process with `args`; resolves with the JSON line it prints. */
function inChild<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', SELF, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let line: string | undefined;
    createInterface({ input: c.stdout }).on('line', (l) => { line ??= l; });
    c.on('exit', (code) => (code === 0 && line ? resolve(JSON.parse(line) as T) : reject(new Error(`${args[0]}: exit ${code}`))));
  });
}

interface Row { measured: Measured; loadBefore: Loaded; loadAfter: Loaded }

/** Start-up loads per kind: the machine is shared, so the median of a few. */
const LOAD_RUNS = 3;
const medianLoad = (runs: Loaded[]): Loaded => ({
  ms: median(runs.map((r) => r.ms)), maxRssMiB: median(runs.map((r) => r.maxRssMiB)), bytes: runs[0].bytes, complete: runs.every((r) => r.complete),
});

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const medianOf = (costs: WriteCost[], key: keyof WriteCost): number => median(costs.map((c) => c[key] ?? 0));

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--measure') return measure(argv[1] as TreeShape, Number(argv[2]), Number(argv[3]), argv[4]);
  if (argv[0] === '--load-after') return loadAfter(argv[1]);
  if (argv[0] === '--load-before') return loadBefore(argv[1]);
  let mib = 1024;
  let shapes: TreeShape[] = ['small', 'big'];
  let rounds = 5;
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--mib') mib = positiveInt(argv[i + 1], '--mib');
    else if (argv[i] === '--rounds') rounds = positiveInt(argv[i + 1], '--rounds');
    else if (argv[i] === '--shapes') shapes = argv[i + 1].split(',').map((s) => { if (s !== 'small' && s !== 'big') throw new Error(`--shapes: small or big, got ${s}`); return s; });
    else throw new Error(`unknown option ${argv[i]}`);
  }
  const rows: Row[] = [];
  for (const shape of shapes) {
    const root = mkdtempSync(join(tmpdir(), 'bfs-ckpt-bench-'));
    try {
      process.stderr.write(`checkpoint bench: ${mib} MiB (${shape})...\n`);
      const measured = await inChild<Measured>(['--measure', shape, String(mib), String(rounds), root]);
      process.stderr.write(`  start-up loads (${LOAD_RUNS} of each, alternating)...\n`);
      const befores: Loaded[] = [];
      const afters: Loaded[] = [];
      for (let k = 0; k < LOAD_RUNS; k++) {
        befores.push(await inChild<Loaded>(['--load-before', join(root, 'before')]));
        afters.push(await inChild<Loaded>(['--load-after', join(root, 'after')]));
      }
      const loadBefore = medianLoad(befores);
      const loadAfter = medianLoad(afters);
      if (!loadAfter.complete || !loadBefore.complete) throw new Error('a checkpoint did not load complete');
      rows.push({ measured, loadBefore, loadAfter });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  const env = await describeEnvironment(REPO_ROOT);
  const describe = (s: TreeShape): string => (s === 'big' ? `4 files of ${mib / 4} MiB` : `${(mib * MiB) / (16 * 1024)} files of 16 KiB`);
  const s = (ms: number): string => (ms / 1000).toFixed(2);
  const table = markdownTable(
    ['tree', 'partitions', 'per checkpoint', 'wall s', 'MiB written', 'files written', 'longest event-loop stall ms', 'of which freeze ms (CPU ms)', 'extra memory MiB', 'start-up load s', 'start-up peak RSS MiB'],
    rows.flatMap(({ measured: m, loadBefore, loadAfter }) => [
      [`${describe(m.shape)}`, String(m.partitions), 'before: full snapshot', s(medianOf(m.before, 'ms')), (medianOf(m.before, 'bytes') / MiB).toFixed(1), '1',
        medianOf(m.before, 'stallMs').toFixed(0), '-', medianOf(m.before, 'extraMiB').toFixed(0), s(loadBefore.ms), loadBefore.maxRssMiB.toFixed(0)],
      ['', '', 'after: first (every segment)', s(m.afterFirst.ms), (m.afterFirst.bytes / MiB).toFixed(1), String(m.afterFirst.filesWritten),
        m.afterFirst.stallMs.toFixed(0), `${(m.afterFirst.freezeMs ?? 0).toFixed(0)} (${(m.afterFirst.freezeCpuMs ?? 0).toFixed(0)})`, m.afterFirst.extraMiB.toFixed(0), s(loadAfter.ms), loadAfter.maxRssMiB.toFixed(0)],
      ['', '', `after: 4 KiB write between (median of ${m.after.length})`, s(medianOf(m.after, 'ms')), (medianOf(m.after, 'bytes') / MiB).toFixed(3),
        String(medianOf(m.after, 'filesWritten')), medianOf(m.after, 'stallMs').toFixed(0), `${medianOf(m.after, 'freezeMs').toFixed(1)} (${medianOf(m.after, 'freezeCpuMs').toFixed(1)})`, medianOf(m.after, 'extraMiB').toFixed(0), '', ''],
    ]),
  );
  const markdown = [
    '# Checkpoint on disk: full snapshot (before) vs incremental segment files (after)',
    '',
    environmentLine(env),
    '',
    `A ${mib} MiB tree, one 4 KiB write between two stable checkpoints. Before: FileTree.snapshot() + checkpoint.bfs (tmp, fsync, rename, fsync dir), ` +
      'as every stable checkpoint did. After: CheckpointWriter (freeze the segments without a file, write them chunk by chunk, fsync each, manifest, GC). ' +
      'Wall time includes the fsyncs. Longest event-loop stall: the longest gap between ticks of a 1 ms timer during the write (the replica serves nothing meanwhile). ' +
      'Extra memory: the peak of ArrayBuffer memory during the write above what the tree holds. Start-up load: a fresh process reads and verifies the ' +
      'checkpoint (before: checksum, restore, digest; after: manifest, every segment file staged (CRC) and each partition checked against its digest); ' +
      `median of ${LOAD_RUNS} runs each. Other work shares the machine: see the load average.`,
    '',
    table,
    '',
  ].join('\n');
  const svg = barChart({
    title: 'MiB written per stable checkpoint (4 KiB changed)', yLabel: 'MiB', categories: rows.map((r) => describe(r.measured.shape)),
    series: [
      { name: 'before: full snapshot', values: rows.map((r) => medianOf(r.measured.before, 'bytes') / MiB) },
      { name: 'after: incremental', values: rows.map((r) => medianOf(r.measured.after, 'bytes') / MiB) },
    ],
  });
  const files = await writeResults('checkpoint-write', { environment: env, mib, rounds, rows }, markdown, svg);
  console.log(markdown);
  console.log(`wrote ${files.json}, ${files.markdown}, ${files.svg}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`checkpoint-write bench: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
