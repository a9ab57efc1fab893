// `bench andrew`: the Andrew workload on several configurations in one run,
// repetitions alternating between them so drift (thermal, other load) spreads
// evenly; per-phase medians, ratios to BFS-nr, beside the paper's numbers.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PHASE_NAMES, type PhaseName } from './andrew/phases.js';
import { runAndrew, type AndrewResult } from './andrew/run-andrew.js';
import { extractSource, LUA_TARBALL, type SourceTree } from './andrew/source-tree.js';
import { describeEnvironment, environmentLine } from './lib/environment.js';
import { LocalGroup } from './lib/local-group.js';
import { MountProcess } from './lib/mount-process.js';
import { PAPER_ANDREW } from './lib/paper.js';
import { REPO_ROOT } from './lib/paths.js';
import { andrewProgress, type Progress } from './lib/progress.js';
import { markdownTable, writeResults, type ResultFiles } from './lib/results.js';
import { fmt, median } from './lib/stats.js';
import { barChart } from './lib/svg-chart.js';

/** `bfs mount` flag that sends read-only ops through the ordered path (BFS-strict). */
export const STRICT_MOUNT_ARGS = ['--no-read-only-opt'];

/** `close(failed)`: a failed run keeps its cluster dir (logs) and says where. */
export interface Target { path: string; close(failed?: boolean): Promise<string | void> }
export interface AndrewConfig { id: string; label: string; open(): Promise<Target> }

export const ANDREW_CONFIGS: AndrewConfig[] = [
  { id: 'tmpfs', label: 'local tmpfs', open: openTmpfs },
  { id: 'bfs-nr', label: 'BFS-nr (1 replica, unreplicated, FUSE)', open: () => openBfs({ replicas: 1, unreplicated: true }) },
  { id: 'bfs', label: 'BFS (4 replicas, read-only opt, FUSE)', open: () => openBfs({ replicas: 4 }) },
  { id: 'bfs-strict', label: 'BFS-strict (4 replicas, no read-only opt, FUSE)', open: () => openBfs({ replicas: 4, mountArgs: STRICT_MOUNT_ARGS }) },
];

async function openTmpfs(): Promise<Target> {
  const base = (await isDir('/dev/shm')) ? '/dev/shm' : tmpdir();
  const path = await mkdtemp(join(base, 'bfs-andrew-'));
  return { path, close: () => rm(path, { recursive: true, force: true }) };
}

async function openBfs(opts: { replicas: number; unreplicated?: boolean; mountArgs?: string[] }): Promise<Target> {
  const group = await LocalGroup.start({ replicas: opts.replicas, unreplicated: opts.unreplicated });
  let mount: MountProcess;
  try {
    mount = await MountProcess.start({
      mountpoint: join(group.dir, 'mnt'), configPath: group.configPath, keyPath: group.clientKeyPaths[0],
      logFile: join(group.dir, 'mount.log'), extraArgs: opts.mountArgs,
    });
  } catch (err) {
    await group.stop(true);
    throw err;
  }
  return {
    path: mount.mountpoint,
    close: async (failed = false) => {
      await mount.stop();
      await group.stop(failed);
      if (failed) return `logs kept in ${group.dir}`;
    },
  };
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

export interface AndrewBenchOptions {
  configs: string[];
  reps: number;
  copies: number;
  makeJobs: number;
  /**
   * Run the workload once untimed on each fresh group and mount before the timed
   * run. V8 optimizes the replicas' and the mount's hot paths only after
   * thousands of operations (a fresh group's null op: 5.9 ms over the first 2 s,
   * 2.0 ms after ~2,000 ops; bench/lib/op-loop.ts), about one Andrew run's
   * worth; without it every configuration but tmpfs measures mostly V8's
   * compiler at work, and a file server people use has been up a while.
   */
  warmUp: boolean;
  progress: Progress;
}

export interface ConfigOutcome { id: string; label: string; runs: AndrewResult[]; errors: string[] }

export async function runAndrewBench(opts: AndrewBenchOptions): Promise<{ outcomes: ConfigOutcome[]; files: ResultFiles }> {
  const configs = opts.configs.map((id) => {
    const c = ANDREW_CONFIGS.find((x) => x.id === id);
    if (!c) throw new Error(`unknown andrew configuration "${id}"; known: ${ANDREW_CONFIGS.map((x) => x.id).join(', ')}`);
    return c;
  });
  const scratch = await mkdtemp(join(tmpdir(), 'bfs-andrew-src-'));
  const outcomes: ConfigOutcome[] = configs.map((c) => ({ id: c.id, label: c.label, runs: [], errors: [] }));
  try {
    const tree = await extractSource(scratch);
    for (let rep = 0; rep < opts.reps; rep++) {
      // Rotate the order each repetition so no configuration always runs first.
      for (let k = 0; k < configs.length; k++) {
        const i = (k + rep) % configs.length;
        await runOne(configs[i], outcomes[i], tree, rep, opts);
      }
    }
    const env = await describeEnvironment(REPO_ROOT);
    const json = { benchmark: 'andrew', environment: env, source: LUA_TARBALL, copies: opts.copies, reps: opts.reps, makeJobs: opts.makeJobs, warmUp: opts.warmUp, outcomes };
    const files = await writeResults('andrew', json, andrewMarkdown(outcomes, tree, opts, environmentLine(env)), andrewSvg(outcomes));
    return { outcomes, files };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function runOne(config: AndrewConfig, outcome: ConfigOutcome, tree: SourceTree, rep: number, opts: AndrewBenchOptions): Promise<void> {
  let target: Target | null = null;
  let failed = false;
  try {
    target = await config.open();
    if (opts.warmUp) {
      await runAndrew({
        tree, target: join(target.path, `warm-up-${rep}`), copies: opts.copies, makeJobs: opts.makeJobs,
        onProgress: andrewProgress(opts.progress, `${config.id} #${rep + 1} (warm-up)`),
      });
    }
    const result = await runAndrew({
      tree, target: join(target.path, `rep-${rep}`), copies: opts.copies, makeJobs: opts.makeJobs,
      onProgress: andrewProgress(opts.progress, `${config.id} #${rep + 1}`),
    });
    outcome.runs.push(result);
    opts.progress.log(`${config.id} #${rep + 1}: ${(result.totalMs / 1000).toFixed(2)} s`);
  } catch (err) {
    failed = true;
    // The whole message (e.g. make's last lines) goes to the JSON; one line to the screen.
    outcome.errors.push((err as Error).message);
    opts.progress.log(`${config.id} #${rep + 1}: FAILED: ${(err as Error).message}`);
  } finally {
    const note = await target?.close(failed).catch((err: unknown) => `cleanup failed: ${(err as Error).message}`);
    if (note) opts.progress.log(`${config.id} #${rep + 1}: ${note}`);
  }
}

function phaseMedians(outcome: ConfigOutcome): Record<PhaseName | 'total', number> {
  const out = { total: median(outcome.runs.map((r) => r.totalMs)) } as Record<PhaseName | 'total', number>;
  for (const p of PHASE_NAMES) out[p] = median(outcome.runs.map((r) => r.phasesMs[p]));
  return out;
}

const COLUMNS = [...PHASE_NAMES, 'total'] as const;

function andrewMarkdown(outcomes: ConfigOutcome[], tree: SourceTree, opts: AndrewBenchOptions, envLine: string): string {
  const nr = outcomes.find((o) => o.id === 'bfs-nr');
  const nrMed = nr && nr.runs.length > 0 ? phaseMedians(nr) : null;
  const rows = outcomes.map((o) => {
    if (o.runs.length === 0) return [o.label, ...COLUMNS.map(() => '–'), '–', `failed: ${(o.errors[0] ?? 'not run').split('\n')[0]}`];
    const med = phaseMedians(o);
    const ratio = nrMed ? fmt(med.total / nrMed.total, 2) : '–';
    return [o.label, ...COLUMNS.map((c) => fmt(med[c] / 1000, 3)), ratio, `${o.runs.length}/${opts.reps}`];
  });
  const ratioRows = nrMed ? outcomes.filter((o) => o.runs.length > 0).map((o) => {
    const med = phaseMedians(o);
    return [o.label, ...COLUMNS.map((c) => fmt(med[c] / nrMed[c], 2))];
  }) : [];
  const paperNr = PAPER_ANDREW['BFS unreplicated'];
  const paperRows = Object.entries(PAPER_ANDREW).map(([name, p]) => {
    const total = PHASE_NAMES.reduce((s, k) => s + p[k], 0);
    const nrTotal = PHASE_NAMES.reduce((s, k) => s + paperNr[k], 0);
    return [name, ...PHASE_NAMES.map((k) => p[k].toFixed(2)), total.toFixed(2), fmt(total / nrTotal, 2)];
  });
  return [
    '# Andrew benchmark',
    '',
    `${envLine}`,
    '',
    `Source: Debian lua5.4 ${LUA_TARBALL.debianVersion} upstream tarball (${tree.files.length} files, ${tree.dirs.length} dirs, ${tree.bytes} bytes) × ${opts.copies} cop${opts.copies === 1 ? 'y' : 'ies'}; ` +
      `phase 5 is \`make -j${opts.makeJobs} posix\` per copy. Medians of ${opts.reps} alternating repetitions, seconds. ` +
      (opts.warmUp
        ? 'Each repetition starts a fresh group and mount and first runs the workload once untimed (V8 warm-up; `--no-warm-up` measures the cold start).'
        : 'Each repetition starts a fresh group and mount and is timed cold (`--no-warm-up`): V8 has not optimized the replicas yet.'),
    '',
    markdownTable(['configuration', ...COLUMNS, 'total / BFS-nr', 'runs'], rows),
    ...failureLines(outcomes),
    '',
    '## Ratio to BFS-nr, per phase',
    '',
    ratioRows.length > 0 ? markdownTable(['configuration', ...COLUMNS], ratioRows) : '_BFS-nr was not measured in this run._',
    '',
    '## The paper (OSDI \'99 §7, seconds; DEC Alpha 133 MHz, 10 Mb/s Ethernet)',
    '',
    markdownTable(['configuration', ...PHASE_NAMES, 'total', 'total / BFS unreplicated'], paperRows),
    '',
  ].join('\n');
}

function andrewSvg(outcomes: ConfigOutcome[]): string {
  const measured = outcomes.filter((o) => o.runs.length > 0);
  return barChart({
    title: 'Andrew benchmark: median seconds per phase',
    yLabel: 'seconds',
    categories: [...COLUMNS],
    series: measured.map((o) => {
      const med = phaseMedians(o);
      return { name: o.id, values: COLUMNS.map((c) => med[c] / 1000) };
    }),
  });
}

function failureLines(outcomes: ConfigOutcome[]): string[] {
  const lines = outcomes.flatMap((o) => o.errors.map((e) => `- ${o.id}: ${e.split('\n')[0]}`));
  return lines.length > 0 ? ['', 'Failed runs (not in the medians; details in andrew.json):', ...lines] : [];
}
