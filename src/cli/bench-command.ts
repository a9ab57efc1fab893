// `bfs bench andrew|micro|throughput|all [options]`: the benchmarks of bench/
// (options as `npm run bench -- --help` lists them); results in bench/results.
import type { Command } from 'commander';

async function runBenchCommand(args: string[]): Promise<void> {
  const { runBench } = await import('../../bench/run-bench.js');
  const { runCleanups } = await import('../../bench/lib/children.js');
  const onSignal = (signal: NodeJS.Signals): void => {
    void runCleanups().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await runBench(args);
  } finally {
    await runCleanups();
  }
}

export function register(program: Command): void {
  program.command('bench')
    .description('run benchmarks: andrew, micro, throughput or all (results in bench/results)')
    .argument('[args...]', 'benchmark name and its options (see `bfs bench --help`)')
    .allowUnknownOption()
    .helpOption(false)
    .action(runBenchCommand);
}
