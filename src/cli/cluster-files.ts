// Where the CLI finds the cluster file and keys, with the defaults users expect:
// --config, else $BFS_CONFIG, else ./.bfs/cluster.json.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { keyFilePath, loadClusterConfig, type ClusterConfig } from '../transport/cluster-config.js';
import { UserError } from './errors.js';

export const DEFAULT_CLUSTER_DIR = '.bfs';

export function resolveConfigPath(option?: string): string {
  return resolve(option ?? process.env.BFS_CONFIG ?? join(DEFAULT_CLUSTER_DIR, 'cluster.json'));
}

export function loadConfig(path: string): ClusterConfig {
  if (!existsSync(path)) {
    throw new UserError(`no cluster file at ${path}`, 'start a local group with `bfs up`, create one with `bfs init DIR`, or pass --config / set BFS_CONFIG');
  }
  try {
    return loadClusterConfig(path);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

/** The key file for node `id`: keys/ beside the cluster file (as `bfs init` lays them out). */
export function defaultKeyPath(configPath: string, id: number): string {
  return keyFilePath(dirname(configPath), id);
}

/** The first client's key beside the cluster file. */
export function defaultClientKeyPath(configPath: string, config: ClusterConfig): string {
  const first = config.clients[0];
  if (!first) throw new UserError(`cluster file ${configPath} lists no clients`, 'create a cluster with `bfs init DIR --clients 2`');
  return defaultKeyPath(configPath, first.id);
}
