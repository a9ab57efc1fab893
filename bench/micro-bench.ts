// `bench micro`: null-operation latency through BfsClient (no FUSE), the BFS
// paper's Table 1: 0/0, 4/0 and 0/4 KiB of argument/result, read-write vs
// read-only vs unreplicated. What each cell runs:
//   0/0 read-write: setattr that changes nothing (ordered);  0/0 read-only: getattr
//   4/0 read-write: 4 KiB write;  4/0 read-only: none (no read-only op takes 4 KiB)
//   0/4 read-write: 4 KiB read with the read-only optimization off (ordered);  0/4 read-only: 4 KiB read
//   unreplicated: the read-write column's op on one replica with --unreplicated.
import type { BfsClient } from '../src/client/bfs-client.js';
import { openBenchClient } from './lib/bench-client.js';
import { describeEnvironment, environmentLine } from './lib/environment.js';
import { LocalGroup } from './lib/local-group.js';
import { DEFAULT_WARM_UP, latencySamples, OPS, prepareFile } from './lib/op-loop.js';
import { PAPER_MICRO } from './lib/paper.js';
import { REPO_ROOT } from './lib/paths.js';
import type { Progress } from './lib/progress.js';
import { markdownTable, writeResults, type ResultFiles } from './lib/results.js';
import { fmt, median, percentile } from './lib/stats.js';
import { barChart } from './lib/svg-chart.js';

export interface MicroBenchOptions { ops: number; progress: Progress }

type Column = 'readWrite' | 'readOnly' | 'unreplicated';
const ROWS = ['0/0', '4/0', '0/4'] as const;
const COLUMNS: Column[] = ['readWrite', 'readOnly', 'unreplicated'];

interface Cell { row: string; column: Column; op: string; group: 'bfs' | 'nr'; strict: boolean }

const CELLS: Cell[] = [
  { row: '0/0', column: 'readWrite', op: 'setattrNothing', group: 'bfs', strict: false },
  { row: '0/0', column: 'readOnly', op: 'getattr', group: 'bfs', strict: false },
  { row: '0/0', column: 'unreplicated', op: 'setattrNothing', group: 'nr', strict: false },
  { row: '4/0', column: 'readWrite', op: 'write4k', group: 'bfs', strict: false },
  { row: '4/0', column: 'unreplicated', op: 'write4k', group: 'nr', strict: false },
  { row: '0/4', column: 'readWrite', op: 'read4k', group: 'bfs', strict: true },
  { row: '0/4', column: 'readOnly', op: 'read4k', group: 'bfs', strict: false },
  { row: '0/4', column: 'unreplicated', op: 'read4k', group: 'nr', strict: false },
];

interface CellResult extends Cell { medianMs?: number; p99Ms?: number; opsPerS?: number; samples: number; error?: string }

export async function runMicroBench(opts: MicroBenchOptions): Promise<{ files: ResultFiles }> {
  const results: CellResult[] = [];
  for (const groupKind of ['bfs', 'nr'] as const) {
    const cells = CELLS.filter((c) => c.group === groupKind);
    let group: LocalGroup | null = null;
    try {
      group = await LocalGroup.start(groupKind === 'bfs' ? { replicas: 4 } : { replicas: 1, unreplicated: true });
      for (const cell of cells) results.push(await measureCell(group, cell, opts));
    } catch (err) {
      for (const cell of cells) if (!results.some((r) => r.row === cell.row && r.column === cell.column)) results.push({ ...cell, samples: 0, error: (err as Error).message.split('\n')[0] });
    } finally {
      await group?.stop();
    }
  }
  const env = await describeEnvironment(REPO_ROOT);
  const json = { benchmark: 'micro', environment: env, opsPerCell: opts.ops, ops: Object.fromEntries(Object.entries(OPS).map(([k, v]) => [k, v.describe])), results };
  const files = await writeResults('micro', json, microMarkdown(results, opts, environmentLine(env)), microSvg(results));
  return { files };
}

async function measureCell(group: LocalGroup, cell: Cell, opts: MicroBenchOptions): Promise<CellResult> {
  const label = `micro ${cell.row} ${cell.column}`;
  let client: BfsClient | null = null;
  try {
    client = await openBenchClient(group, { readOnlyOptimization: !cell.strict });
    const fh = await prepareFile(client, `micro-${cell.op}`);
    const t0 = Date.now();
    opts.progress.update(`${label} warm-up`, 0, 1);
    const samples = await latencySamples(client, fh, OPS[cell.op].run, opts.ops, DEFAULT_WARM_UP,
      (done) => opts.progress.update(label, done, opts.ops));
    const elapsedS = (Date.now() - t0) / 1000;
    const result = { ...cell, medianMs: median(samples), p99Ms: percentile(samples, 99), opsPerS: samples.length / elapsedS, samples: samples.length };
    opts.progress.log(`${label}: median ${fmt(result.medianMs, 3)} ms, p99 ${fmt(result.p99Ms, 3)} ms`);
    return result;
  } catch (err) {
    const error = (err as Error).message.split('\n')[0];
    opts.progress.log(`${label}: FAILED: ${error}`);
    return { ...cell, samples: 0, error };
  } finally {
    await client?.close();
  }
}

function cellText(results: CellResult[], row: string, column: Column): string {
  const r = results.find((x) => x.row === row && x.column === column);
  if (!r) return '–';
  if (r.error) return 'failed';
  return `${fmt(r.medianMs, 3)} (p99 ${fmt(r.p99Ms, 2)})`;
}

function microMarkdown(results: CellResult[], opts: MicroBenchOptions, envLine: string): string {
  const rows = ROWS.map((row) => [row, ...COLUMNS.map((c) => cellText(results, row, c)),
    ...COLUMNS.map((c) => PAPER_MICRO[row][c].toFixed(2))]);
  const failures = results.filter((r) => r.error).map((r) => `- ${r.row} ${r.column}: ${r.error}`);
  return [
    '# Micro-benchmark: null operations (BFS paper Table 1)',
    '',
    envLine,
    '',
    `Latency in ms through BfsClient (no FUSE), 127.0.0.1, median (p99) of ${opts.ops} sequential ops after a warm-up of ` +
      `${DEFAULT_WARM_UP.opsMin} ops (at most ${DEFAULT_WARM_UP.msMax / 1000} s) per cell: the replicas' code is optimized by then. ` +
      'bfs: 4 replica processes (f = 1); unreplicated: 1 replica with --unreplicated. The paper: 4 DEC Alphas, 10 Mb/s Ethernet.',
    '',
    markdownTable(['arg/res KiB', 'read-write', 'read-only', 'unreplicated', 'paper r/w', 'paper r/o', 'paper unrep.'], rows),
    '',
    'Operations: ' + Object.entries(OPS).map(([k, v]) => `\`${k}\` = ${v.describe}`).join('; ') + '.',
    '0/0 read-write = setattrNothing, read-only = getattr; 4/0 = write4k (no read-only op carries a 4 KiB argument, so that cell is empty); ' +
      '0/4 = read4k, read-write with the client\'s read-only optimization off. Unreplicated runs the read-write column\'s op.',
    ...(failures.length > 0 ? ['', 'Failures:', ...failures] : []),
    '',
  ].join('\n');
}

function microSvg(results: CellResult[]): string {
  return barChart({
    title: 'Null-operation latency (median, ms)',
    yLabel: 'ms',
    categories: [...ROWS],
    series: COLUMNS.map((c) => ({ name: c, values: ROWS.map((row) => results.find((r) => r.row === row && r.column === c)?.medianMs ?? null) })),
  });
}
