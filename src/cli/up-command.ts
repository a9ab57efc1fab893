// `bfs up [DIR]`: a local group of replica processes in the foreground.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BYZANTINE_BEHAVIOURS, isByzantineBehaviour } from '../pbft/byzantine.js';
import type { ClusterConfig } from '../transport/cluster-config.js';
import { DEFAULT_CLUSTER_DIR, loadConfig } from './cluster-files.js';
import { parseCount, UserError } from './errors.js';
import { initDir } from './init-command.js';
import { Supervisor, type ChildSpec } from './supervisor.js';

interface UpOptions { replicas: number; unreplicated?: boolean; byzantine: string[]; logLevel?: string }

/** Parses repeated `--byzantine ID:BEHAVIOUR` into a map, checking ids and names. */
export function parseByzantine(specs: string[], n: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const spec of specs) {
    const m = /^(\d+):([a-z-]+)$/.exec(spec);
    if (!m) throw new UserError(`--byzantine "${spec}" is not ID:BEHAVIOUR`, 'e.g. --byzantine 0:equivocate');
    const id = Number(m[1]);
    if (id >= n) throw new UserError(`--byzantine ${spec}: no replica ${id} (the group has 0..${n - 1})`);
    if (!isByzantineBehaviour(m[2])) throw new UserError(`--byzantine ${spec}: unknown behaviour "${m[2]}"`, `one of ${BYZANTINE_BEHAVIOURS.join(', ')}`);
    out.set(id, m[2]);
  }
  return out;
}

/** The child command lines for every replica of `config`. */
export function replicaSpecs(configPath: string, config: ClusterConfig, byzantine: Map<number, string>, logLevel?: string): ChildSpec[] {
  const unreplicated = config.replicas.length === 1;
  return config.replicas.map((r) => {
    const args = ['replica', '--config', configPath, '--id', String(r.id)];
    if (unreplicated) args.push('--unreplicated');
    const b = byzantine.get(r.id);
    if (b) args.push('--byzantine', b);
    if (logLevel) args.push('--log-level', logLevel);
    return { name: `replica ${r.id}`, args };
  });
}

function describeGroup(configPath: string, config: ClusterConfig, byzantine: Map<number, string>): string {
  const mode = config.replicas.length === 1 ? 'unreplicated (no agreement)' : `n = ${config.replicas.length}, f = ${config.f}`;
  const lines = [`bfs up: ${configPath}: ${mode}`];
  for (const r of config.replicas) {
    const b = byzantine.get(r.id);
    lines.push(`  replica ${r.id}  grpc ${r.host}:${r.port}  metrics http://${r.host}:${r.metricsPort ?? '-'}/metrics${b ? `  BYZANTINE: ${b}` : ''}`);
  }
  lines.push('  Ctrl-C stops them all');
  return lines.join('\n') + '\n';
}

export async function up(dir: string, opts: UpOptions): Promise<number> {
  const configPath = resolve(dir, 'cluster.json');
  if (!existsSync(configPath)) {
    initDir(dir, { replicas: opts.unreplicated ? 1 : opts.replicas, clients: 2, basePort: 7100, metricsBasePort: 9100 });
  }
  const config = loadConfig(configPath);
  if (opts.unreplicated && config.replicas.length !== 1) {
    throw new UserError(`${configPath} holds ${config.replicas.length} replicas; --unreplicated needs a one-replica cluster`, `run \`bfs up DIR2 --unreplicated\` with a new DIR2, or \`bfs init DIR2 --replicas 1\``);
  }
  const byzantine = parseByzantine(opts.byzantine, config.replicas.length);
  if (byzantine.size > config.f) process.stderr.write(`bfs up: warning: ${byzantine.size} Byzantine replicas exceed f = ${config.f}; no guarantees hold\n`);
  const supervisor = new Supervisor();
  process.stdout.write(describeGroup(configPath, config, byzantine));
  for (const spec of replicaSpecs(configPath, config, byzantine, opts.logLevel)) supervisor.start(spec);
  let asked = false;
  const stop = (): void => { asked = true; void supervisor.stop(); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await supervisor.wait();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  if (asked) return 0;
  process.stderr.write('bfs up: every replica exited on its own (see the lines above)\n');
  return 1;
}

export function register(program: Command): void {
  program.command('up')
    .description('run a local replica group in the foreground (creates DIR with `bfs init` if missing)')
    .argument('[dir]', 'cluster directory', DEFAULT_CLUSTER_DIR)
    .option('--replicas <n>', 'replicas when creating DIR: 1 or 3f+1', parseCount('--replicas', 1), 4)
    .option('--unreplicated', 'one replica, no agreement (the BFS-nr baseline)')
    .option('--byzantine <id:behaviour>', 'make a replica misbehave (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--log-level <level>', 'replica log level (info, debug...)')
    .action(async (dir: string, opts: UpOptions) => {
      process.exitCode = await up(join(dir), opts);
    });
}
