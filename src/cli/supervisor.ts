// Runs replica child processes in the foreground for `bfs up`: forwards their
// JSON logs prettily, reports exits, and stops them all on SIGINT/SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { prettyFactory } from 'pino-pretty';

export const BFS_BIN = fileURLToPath(new URL('../../bin/bfs.js', import.meta.url));

/** Grace period between SIGTERM and SIGKILL when stopping children. */
export const STOP_GRACE_MS = 5000;

export interface ChildSpec { name: string; args: string[] }

export interface Supervised { name: string; child: ChildProcess; exited: Promise<number | null> }

export interface SupervisorOptions {
  /** Where to write the forwarded (pretty) log lines. */
  out?: NodeJS.WritableStream;
  pretty?: boolean;
}

export class Supervisor {
  readonly children: Supervised[] = [];
  private readonly out: NodeJS.WritableStream;
  private readonly format: (line: string) => string;
  private stopping = false;

  constructor(opts: SupervisorOptions = {}) {
    this.out = opts.out ?? process.stdout;
    const pretty = opts.pretty ?? process.stdout.isTTY === true;
    const prettify = prettyFactory({ colorize: pretty, translateTime: 'HH:MM:ss.l' });
    this.format = (line) => {
      if (!pretty || !line.startsWith('{')) return `${line}\n`;
      try { return prettify(JSON.parse(line)); } catch { return `${line}\n`; }
    };
  }

  start(spec: ChildSpec): Supervised {
    const child = spawn(process.execPath, [BFS_BIN, ...spec.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => this.out.write(this.format(line)));
    }
    const exited = new Promise<number | null>((resolve) => {
      child.on('exit', (code, signal) => {
        if (!this.stopping) {
          const alive = this.children.filter((c) => c.child !== child && c.child.exitCode === null && c.child.signalCode === null).length;
          this.out.write(`bfs up: ${spec.name} exited (${signal ?? `code ${code}`}); ${alive} still running\n`);
        }
        resolve(code);
      });
      child.on('error', (err) => { this.out.write(`bfs up: cannot start ${spec.name}: ${err.message}\n`); resolve(null); });
    });
    const supervised = { name: spec.name, child, exited };
    this.children.push(supervised);
    return supervised;
  }

  /** SIGTERM every child, SIGKILL those still alive after the grace period. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopping = true;
    const alive = this.children.filter((c) => c.child.exitCode === null && c.child.signalCode === null);
    for (const c of alive) c.child.kill('SIGTERM');
    const timer = setTimeout(() => { for (const c of alive) c.child.kill('SIGKILL'); }, graceMs);
    await Promise.all(alive.map((c) => c.exited));
    clearTimeout(timer);
  }

  /** Resolves when every child has exited. */
  async wait(): Promise<void> {
    await Promise.all(this.children.map((c) => c.exited));
  }
}
