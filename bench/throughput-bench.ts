// `bench throughput`: placeholder until the client library's connectBfs lands.
import type { Progress } from './lib/progress.js';
import type { ResultFiles } from './lib/results.js';

export interface ThroughputBenchOptions { clients: number[]; seconds: number; progress: Progress }

export async function runThroughputBench(_opts: ThroughputBenchOptions): Promise<{ files: ResultFiles }> {
  throw new Error('throughput: needs connectBfs from src/client (not landed yet)');
}
