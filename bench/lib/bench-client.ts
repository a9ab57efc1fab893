// BfsClient connections for the micro and throughput benchmarks (no FUSE).
import type { BfsClient } from '../../src/client/bfs-client.js';
import type { LocalGroup } from './local-group.js';

export interface BenchClientOptions {
  /** Which client key of the group (each concurrent client needs its own identity). */
  keyIndex?: number;
  /** false: read-only ops go through the ordered path (BFS-strict). */
  readOnlyOptimization?: boolean;
}

interface ConnectModule {
  connectBfs(options: { configPath: string; keyPath: string; readOnlyOptimization?: boolean }): Promise<BfsClient>;
}

export async function openBenchClient(group: LocalGroup, opts: BenchClientOptions = {}): Promise<BfsClient> {
  const keyPath = group.clientKeyPaths[opts.keyIndex ?? 0];
  if (!keyPath) throw new Error(`the group has ${group.clientKeyPaths.length} client keys; key ${opts.keyIndex} requested`);
  // Loaded by path so this file builds before the client library exports connectBfs.
  const path = '../../src/client/pbft-invoker.js';
  const mod = (await import(path)) as Partial<ConnectModule>;
  if (typeof mod.connectBfs !== 'function') throw new Error('src/client/pbft-invoker.ts exports no connectBfs yet');
  return mod.connectBfs({ configPath: group.configPath, keyPath, readOnlyOptimization: opts.readOnlyOptimization });
}
