// The five Andrew phases (Howard et al. 1988, as run in the BFS paper §7):
// mkdir the tree, copy the files, stat everything, read every byte, compile.
// All async: the FUSE server may live in this very process, and a sync call on
// its mount would block the event loop that has to answer it.
import { mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SourceTree } from './source-tree.js';

export const PHASE_NAMES = ['mkdir', 'copy', 'stat', 'read', 'make'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

/** Called after each unit of work; `done` of `total` in the current phase. */
export type ProgressFn = (phase: PhaseName, done: number, total: number) => void;

export interface PhaseContext {
  tree: SourceTree;
  /** Where copies go: target/copy-0, target/copy-1, ... */
  target: string;
  copies: number;
  makeJobs: number;
  makeTarget: string;
  onProgress: ProgressFn;
}

export function copyDir(ctx: PhaseContext, copy: number): string {
  return join(ctx.target, `copy-${copy}`);
}

export async function phaseMkdir(ctx: PhaseContext): Promise<void> {
  const total = ctx.copies * (ctx.tree.dirs.length + 1);
  let done = 0;
  for (let c = 0; c < ctx.copies; c++) {
    const base = copyDir(ctx, c);
    await mkdir(base);
    ctx.onProgress('mkdir', ++done, total);
    for (const dir of ctx.tree.dirs) {
      await mkdir(join(base, dir));
      ctx.onProgress('mkdir', ++done, total);
    }
  }
}

export async function phaseCopy(ctx: PhaseContext): Promise<void> {
  const total = ctx.copies * ctx.tree.files.length;
  let done = 0;
  for (let c = 0; c < ctx.copies; c++) {
    const base = copyDir(ctx, c);
    for (const file of ctx.tree.files) {
      // read + write rather than copyFile: copy_file_range on a FUSE mount is
      // not what cp does there, and this keeps every byte on the request path.
      const data = await readFile(join(ctx.tree.root, file.path));
      await writeFile(join(base, file.path), data, { mode: file.mode });
      ctx.onProgress('copy', ++done, total);
    }
  }
}

export async function phaseStat(ctx: PhaseContext): Promise<number> {
  const total = ctx.copies * (ctx.tree.dirs.length + ctx.tree.files.length);
  let done = 0;
  let sizeSum = 0;
  for (let c = 0; c < ctx.copies; c++) {
    const base = copyDir(ctx, c);
    for (const dir of ctx.tree.dirs) {
      await stat(join(base, dir));
      ctx.onProgress('stat', ++done, total);
    }
    for (const file of ctx.tree.files) {
      sizeSum += (await stat(join(base, file.path))).size;
      ctx.onProgress('stat', ++done, total);
    }
  }
  return sizeSum;
}

const READ_CHUNK_BYTES = 64 * 1024;

export async function phaseRead(ctx: PhaseContext): Promise<number> {
  const total = ctx.copies * ctx.tree.files.length;
  const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  let done = 0;
  let bytes = 0;
  for (let c = 0; c < ctx.copies; c++) {
    const base = copyDir(ctx, c);
    for (const file of ctx.tree.files) {
      const fh = await open(join(base, file.path), 'r');
      try {
        for (;;) {
          const { bytesRead } = await fh.read(buf, 0, buf.length, null);
          if (bytesRead === 0) break;
          bytes += bytesRead;
        }
      } finally {
        await fh.close();
      }
      ctx.onProgress('read', ++done, total);
    }
  }
  return bytes;
}

export async function phaseMake(ctx: PhaseContext): Promise<void> {
  for (let c = 0; c < ctx.copies; c++) {
    ctx.onProgress('make', c, ctx.copies);
    await runMake(copyDir(ctx, c), ctx.makeTarget, ctx.makeJobs);
  }
  ctx.onProgress('make', ctx.copies, ctx.copies);
}

/** `make -jN TARGET` in `dir`; rejects with the tail of its output on failure. */
export function runMake(dir: string, makeTarget: string, jobs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // `-C dir`, not `cwd: dir`: with cwd the forked child enters `dir` before
    // exec while libuv holds this process's event loop until the exec; if the
    // mount is served by this very process (bench/andrew/op-counts.ts), nobody
    // answers the child's lookup and both hang.
    const child = spawn('make', ['-C', dir, `-j${jobs}`, makeTarget], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => reject(new Error(`make in ${dir}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`make ${makeTarget} in ${dir} failed (${signal ?? `exit ${code}`}):\n${output.slice(-1500)}`));
    });
  });
}

