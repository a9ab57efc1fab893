// `npm run bench -- andrew|micro|throughput|all [options]` (the program; the
// work is in run-bench.ts, shared with `bfs bench`).
import { runCleanups } from './lib/children.js';
import { runBench } from './run-bench.js';

/** Ctrl-C: unmount and stop children (replicas, mounts) before leaving. */
async function onSignal(signal: NodeJS.Signals): Promise<void> {
  await runCleanups();
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

process.once('SIGINT', (s) => void onSignal(s));
process.once('SIGTERM', (s) => void onSignal(s));
runBench(process.argv.slice(2)).catch(async (err: unknown) => {
  await runCleanups();
  console.error(`bench: ${(err as Error).message}`);
  process.exit(1);
});
