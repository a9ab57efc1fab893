// BfsClient connections for the micro and throughput benchmarks (no FUSE).
import type { BfsClient } from '../../src/client/bfs-client.js';
import { connectBfs } from '../../src/client/pbft-invoker.js';
import type { LocalGroup } from './local-group.js';

export interface BenchClientOptions {
  /** Which client key of the group (each concurrent client needs its own identity). */
  keyIndex?: number;
  /** false: read-only ops go through the ordered path (BFS-strict). */
  readOnlyOptimization?: boolean;
}

export async function openBenchClient(group: LocalGroup, opts: BenchClientOptions = {}): Promise<BfsClient> {
  const keyPath = group.clientKeyPaths[opts.keyIndex ?? 0];
  if (!keyPath) throw new Error(`the group has ${group.clientKeyPaths.length} client keys; key ${opts.keyIndex} requested`);
  return connectBfs({ configPath: group.configPath, keyPath, readOnlyOptimization: opts.readOnlyOptimization });
}
