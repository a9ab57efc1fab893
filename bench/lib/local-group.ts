// A local bfs group for benchmarks and the demo: a cluster directory made with
// initCluster, one `bfs replica` process per replica (so the demo can kill the
// primary by pid), readiness and views watched through the Status RPC.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCluster, type ClusterConfig } from '../../src/transport/cluster-config.js';
import { isRunning, onCleanup, sleep, spawnLogged, stopChild } from './children.js';
import { BFS_BIN, REPO_ROOT } from './paths.js';
import { freePortRange } from './ports.js';
import { StatusPoller, type ReplicaStatus } from './status.js';

export interface LocalGroupOptions {
  replicas: number;
  /** One replica executing requests on arrival (the BFS-nr baseline). */
  unreplicated?: boolean;
  logLevel?: string;
  /** Extra flags per replica id, e.g. { 2: ['--byzantine', 'slow'] }. */
  replicaArgs?: Record<number, string[]>;
  readyTimeoutMs?: number;
  /** Client identities to create (one per concurrent benchmark client); default 4. */
  clients?: number;
}

export class LocalGroup {
  readonly children: (ChildProcess | null)[] = [];
  private poller: StatusPoller;
  private readonly unregister: () => void;

  private constructor(
    readonly dir: string,
    readonly configPath: string,
    readonly config: ClusterConfig,
    readonly clientKeyPaths: string[],
    private readonly opts: LocalGroupOptions,
  ) {
    this.poller = new StatusPoller(config.replicas.map((r) => `${r.host}:${r.port}`));
    this.unregister = onCleanup(() => this.stop());
  }

  static async start(opts: LocalGroupOptions): Promise<LocalGroup> {
    const dir = await mkdtemp(join(tmpdir(), 'bfs-group-'));
    const n = opts.replicas;
    const basePort = await freePortRange(2 * n + 1);
    const init = initCluster(dir, { replicas: n, clients: opts.clients ?? 4, basePort, metricsBasePort: basePort + n });
    const group = new LocalGroup(dir, init.configPath, init.config, init.clientKeyPaths, opts);
    try {
      for (let i = 0; i < n; i++) group.startReplica(i);
      await group.waitReady(opts.readyTimeoutMs ?? 120_000);
    } catch (err) {
      await group.stop(true);
      throw err;
    }
    return group;
  }

  get n(): number {
    return this.config.replicas.length;
  }

  logFile(id: number): string {
    return join(this.dir, `replica-${id}.log`);
  }

  metricsUrl(id: number): string | null {
    const r = this.config.replicas[id];
    return r.metricsPort ? `http://${r.host}:${r.metricsPort}/metrics` : null;
  }

  startReplica(id: number): void {
    const args = [BFS_BIN, 'replica', '--config', this.configPath, '--id', String(id),
      '--log-level', this.opts.logLevel ?? 'warn'];
    if (this.opts.unreplicated) args.push('--unreplicated');
    args.push(...(this.opts.replicaArgs?.[id] ?? []));
    this.children[id] = spawnLogged(process.execPath, args, { cwd: REPO_ROOT, logFile: this.logFile(id) });
  }

  /** SIGKILL one replica (the demo's crash of the primary). */
  kill(id: number): void {
    const child = this.children[id];
    if (child && isRunning(child)) child.kill('SIGKILL');
  }

  status(id: number, timeoutMs?: number): Promise<ReplicaStatus | null> {
    return this.poller.status(id, timeoutMs);
  }

  statusAll(timeoutMs?: number): Promise<(ReplicaStatus | null)[]> {
    return this.poller.all(timeoutMs);
  }

  /** Every replica answers Status; fails early, with its log, if one exits. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const dead = this.children.findIndex((c) => c !== null && !isRunning(c));
      if (dead >= 0) throw new Error(`replica ${dead} exited during start-up: ${await logTail(this.logFile(dead))} (log: ${this.logFile(dead)})`);
      const statuses = await this.statusAll(300);
      if (statuses.every((s) => s !== null)) return;
      if (Date.now() > deadline) {
        const missing = statuses.flatMap((s, i) => (s === null ? [i] : []));
        throw new Error(`replicas ${missing.join(', ')} not answering Status after ${timeoutMs / 1000}s; see ${this.dir}/replica-*.log`);
      }
      await sleep(200);
    }
  }

  async stop(keepDir = false): Promise<void> {
    this.unregister();
    this.poller.close();
    await Promise.all(this.children.map((c) => (c ? stopChild(c) : Promise.resolve())));
    if (!keepDir) await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** The last non-empty line of a log, for one-line error messages. */
export async function logTail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return (lines[lines.length - 1] ?? '(empty log)').slice(0, 300);
}
