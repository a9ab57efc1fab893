// The Andrew workload as a library: run the five phases on a target directory
// and return per-phase times in ms. The caller owns the target (a tmpfs dir, a
// FUSE mount) and the source tree (extracted once on local disk).
import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import {
  PHASE_NAMES, phaseCopy, phaseMake, phaseMkdir, phaseRead, phaseStat,
  type PhaseContext, type PhaseName, type ProgressFn,
} from './phases.js';
import type { SourceTree } from './source-tree.js';

export { PHASE_NAMES, type PhaseName, type ProgressFn };

export interface AndrewOptions {
  tree: SourceTree;
  target: string;
  /** How many copies of the source tree each phase works on (scale). */
  copies?: number;
  makeJobs?: number;
  /** Lua's `posix` target builds with only gcc and make (no readline). */
  makeTarget?: string;
  /** Skip phase 5 (e.g. a quick smoke run); its time is then 0. */
  skipMake?: boolean;
  onProgress?: ProgressFn;
  /** Called when a phase starts (the demo hangs its fault injection here). */
  onPhaseStart?: (phase: PhaseName) => void;
}

export interface AndrewResult {
  phasesMs: Record<PhaseName, number>;
  totalMs: number;
  copies: number;
  dirs: number;
  files: number;
  bytesRead: number;
}

export async function runAndrew(opts: AndrewOptions): Promise<AndrewResult> {
  const ctx: PhaseContext = {
    tree: opts.tree,
    target: opts.target,
    copies: opts.copies ?? 1,
    makeJobs: opts.makeJobs ?? 2,
    makeTarget: opts.makeTarget ?? 'posix',
    onProgress: opts.onProgress ?? (() => {}),
  };
  await mkdir(opts.target, { recursive: true });
  const phasesMs = { mkdir: 0, copy: 0, stat: 0, read: 0, make: 0 };
  let bytesRead = 0;
  let statBytes = 0;
  const timed = async (phase: PhaseName, body: () => Promise<void>): Promise<void> => {
    opts.onPhaseStart?.(phase);
    const start = performance.now();
    await body();
    phasesMs[phase] = performance.now() - start;
  };
  await timed('mkdir', () => phaseMkdir(ctx));
  await timed('copy', () => phaseCopy(ctx));
  await timed('stat', async () => { statBytes = await phaseStat(ctx); });
  await timed('read', async () => { bytesRead = await phaseRead(ctx); });
  if (!opts.skipMake) await timed('make', () => phaseMake(ctx));
  checkSizes(ctx, statBytes, bytesRead);
  const totalMs = PHASE_NAMES.reduce((sum, p) => sum + phasesMs[p], 0);
  return { phasesMs, totalMs, copies: ctx.copies, dirs: ctx.tree.dirs.length, files: ctx.tree.files.length, bytesRead };
}

/** A file system that loses bytes must not produce a benchmark number. */
function checkSizes(ctx: PhaseContext, statBytes: number, bytesRead: number): void {
  const expected = ctx.tree.bytes * ctx.copies;
  if (statBytes !== expected) throw new Error(`andrew: stat saw ${statBytes} bytes in ${ctx.target}, expected ${expected}`);
  if (bytesRead !== expected) throw new Error(`andrew: read ${bytesRead} bytes in ${ctx.target}, expected ${expected}`);
}
