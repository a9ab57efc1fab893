// `bfs init DIR`: keys and a cluster file for a local group.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { initCluster, type InitClusterResult } from '../transport/cluster-config.js';
import { parseCount, UserError } from './errors.js';

export interface InitOptions { replicas: number; clients: number; basePort: number; metricsBasePort: number; force?: boolean }

export function initDir(dir: string, opts: InitOptions): InitClusterResult {
  if (existsSync(join(dir, 'cluster.json')) && !opts.force) {
    throw new UserError(`${join(dir, 'cluster.json')} already exists`, 'use it as is, pick another DIR, or pass --force to replace its keys');
  }
  try {
    return initCluster(dir, { replicas: opts.replicas, clients: opts.clients, basePort: opts.basePort, metricsBasePort: opts.metricsBasePort });
  } catch (err) {
    throw new UserError(`cannot initialise ${dir}: ${(err as Error).message}`);
  }
}

export function register(program: Command): void {
  program.command('init')
    .description('create keys and a cluster file for a local replica group')
    .argument('<dir>', 'directory to create (keys/ and cluster.json)')
    .option('--replicas <n>', 'number of replicas: 1 (unreplicated) or 3f+1', parseCount('--replicas', 1), 4)
    .option('--clients <n>', 'number of client identities', parseCount('--clients', 0), 2)
    .option('--base-port <port>', 'replica i listens on base-port + i', parseCount('--base-port', 1), 7100)
    .option('--metrics-base-port <port>', 'replica i serves metrics on metrics-base-port + i', parseCount('--metrics-base-port', 1), 9100)
    .option('--force', 'overwrite an existing cluster')
    .action((dir: string, opts: InitOptions) => {
      const res = initDir(dir, opts);
      process.stdout.write(`created ${res.configPath}: ${res.config.replicas.length} replicas (f = ${res.config.f}), ${res.config.clients.length} clients\n`);
      for (const r of res.config.replicas) process.stdout.write(`  replica ${r.id}  ${r.host}:${r.port}  metrics :${r.metricsPort ?? '-'}\n`);
      for (const p of res.clientKeyPaths) process.stdout.write(`  client key ${p}\n`);
    });
}
