// A real replica group for the e2e tests: a cluster directory, one
// `bin/bfs.js replica` process per replica over gRPC on 127.0.0.1 (free
// ports), readiness and views through the Status RPC, logs in files.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initCluster, type ClusterConfig } from '../../src/transport/cluster-config.js';
import { fetchStatus } from '../../src/transport/grpc.js';
import type { StatusInfo } from '../../src/transport/codec.js';
// One port finder for tests and benches (it keeps below the ephemeral range).
import { freePortRange } from '../../bench/lib/ports.js';

export { freePortRange };

export const BFS_BIN = fileURLToPath(new URL('../../bin/bfs.js', import.meta.url));

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface GroupOptions {
  replicas?: number;
  /** Extra flags per replica id, e.g. { 0: ['--byzantine', 'equivocate'] }. */
  replicaArgs?: Record<number, string[]>;
  logLevel?: string;
}

export class Group {
  readonly children: (ChildProcess | null)[] = [];

  private constructor(readonly dir: string, readonly configPath: string, readonly config: ClusterConfig, readonly clientKeyPaths: string[], private readonly opts: GroupOptions) {}

  static async start(opts: GroupOptions = {}): Promise<Group> {
    const n = opts.replicas ?? 4;
    const dir = mkdtempSync(join(tmpdir(), 'bfs-e2e-'));
    const base = await freePortRange(2 * n);
    const init = initCluster(dir, { replicas: n, clients: 3, basePort: base, metricsBasePort: base + n });
    const group = new Group(dir, init.configPath, init.config, init.clientKeyPaths, opts);
    for (let i = 0; i < n; i++) group.startReplica(i);
    try {
      await group.waitFor((all) => all.every((s) => s !== null), 150_000, 'every replica answering Status');
    } catch (err) {
      // Name what the replicas said (a port taken meanwhile, a crash at start) before their dir goes.
      if (err instanceof Error) err.message += `\n${group.logTails()}`;
      group.stop();
      throw err;
    }
    return group;
  }

  get n(): number { return this.config.replicas.length; }
  address(id: number): string { return `127.0.0.1:${this.config.replicas[id].port}`; }
  metricsUrl(id: number): string { return `http://127.0.0.1:${this.config.replicas[id].metricsPort}/metrics`; }
  logFile(id: number): string { return join(this.dir, `replica-${id}.log`); }
  log(id: number): string { return readFileSync(this.logFile(id), 'utf8'); }

  startReplica(id: number): void {
    const args = [BFS_BIN, 'replica', '--config', this.configPath, '--id', String(id), '--log-level', this.opts.logLevel ?? 'info',
      ...(this.n === 1 ? ['--unreplicated'] : []), ...(this.opts.replicaArgs?.[id] ?? [])];
    const fd = openSync(this.logFile(id), 'a');
    this.children[id] = spawn(process.execPath, args, { stdio: ['ignore', fd, fd] });
    closeSync(fd);
  }

  kill(id: number, signal: NodeJS.Signals = 'SIGKILL'): void {
    this.children[id]?.kill(signal);
    this.children[id] = null;
  }

  async status(id: number, timeoutMs = 2000): Promise<StatusInfo | null> {
    try { return await fetchStatus(this.address(id), timeoutMs); } catch { return null; }
  }

  async statuses(): Promise<(StatusInfo | null)[]> {
    return Promise.all(this.config.replicas.map((r) => this.status(r.id)));
  }

  /** Polls Status until `pred` holds; throws naming `what` after `timeoutMs`. */
  async waitFor(pred: (all: (StatusInfo | null)[]) => boolean, timeoutMs: number, what: string): Promise<(StatusInfo | null)[]> {
    const deadline = Date.now() + timeoutMs;
    let last: (StatusInfo | null)[] = [];
    while (Date.now() < deadline) {
      last = await this.statuses();
      if (pred(last)) return last;
      await sleep(250);
    }
    throw new Error(`timed out waiting for ${what}; last statuses: ${JSON.stringify(last.map((s) => s && { view: s.view, lastExecuted: s.lastExecuted }))}`);
  }

  async scrape(id: number): Promise<string> {
    const res = await fetch(this.metricsUrl(id));
    return res.text();
  }

  /** The last lines of every replica's log, for failure messages. */
  logTails(lines = 12): string {
    return this.config.replicas.map((r) => {
      let text: string;
      try { text = this.log(r.id); } catch { text = '(no log)'; }
      return `── replica ${r.id} ──\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`;
    }).join('\n');
  }

  /** Runs `fn`; on failure the error carries the replicas' log tails (the directory is gone after stop). */
  async explain<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof Error) err.message += `\n${this.logTails()}`;
      throw err;
    }
  }

  /** SIGKILL every child still running and remove the directory. */
  stop(): void {
    for (let i = 0; i < this.children.length; i++) this.kill(i, 'SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The value of one Prometheus sample, e.g. metric('bfs_messages_dropped_total', { reason: 'malformed' }); 0 if absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:]+)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = new Map((m[3] ?? '').split(',').filter(Boolean).map((kv) => {
      const [k, v] = kv.split('=');
      return [k, v.replace(/^"|"$/g, '')] as const;
    }));
    if (Object.entries(labels).every(([k, v]) => got.get(k) === v)) return Number(m[4]);
  }
  return 0;
}
