// Child processes started by a benchmark or the demo, tracked so that Ctrl-C
// or a failure stops every one of them (by pid, never by name).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

const live = new Set<ChildProcess>();

export interface SpawnLoggedOptions { cwd?: string; logFile: string; env?: NodeJS.ProcessEnv }

/** Start `command args`, stdout+stderr appended to `logFile`. */
export function spawnLogged(command: string, args: string[], opts: SpawnLoggedOptions): ChildProcess {
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  live.add(child);
  // 'close' (not 'exit'): the pipes are drained, so the log is complete and closable.
  child.once('close', () => {
    live.delete(child);
    log.end();
  });
  return child;
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves when `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (!isRunning(child)) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => { if (isRunning(child)) child.kill('SIGKILL'); }, graceMs);
  await exited(child);
  clearTimeout(timer);
}

/** Last resort on exit paths: SIGKILL whatever is still running. */
export function killAllChildren(): void {
  for (const child of live) if (isRunning(child)) child.kill('SIGKILL');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type Cleanup = () => Promise<void>;
const cleanups = new Set<Cleanup>();

/** Register work to do on Ctrl-C or a fatal error (unmount...); returns the unregister. */
export function onCleanup(fn: Cleanup): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Run registered cleanups (each bounded to a few seconds), then SIGKILL leftovers. */
export async function runCleanups(timeoutMs = 8000): Promise<void> {
  const pending = [...cleanups].map((fn) => fn().catch(() => {}));
  cleanups.clear();
  await Promise.race([Promise.all(pending), sleep(timeoutMs)]);
  killAllChildren();
}
