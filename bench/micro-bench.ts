// `bench micro`: placeholder until the client library's connectBfs lands.
import type { Progress } from './lib/progress.js';
import type { ResultFiles } from './lib/results.js';

export interface MicroBenchOptions { ops: number; progress: Progress }

export async function runMicroBench(_opts: MicroBenchOptions): Promise<{ files: ResultFiles }> {
  throw new Error('micro: needs connectBfs from src/client (not landed yet)');
}
