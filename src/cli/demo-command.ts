// `bfs demo`: the whole story on one machine (bench/demo/run-demo.ts): a group
// of 4 replicas, a FUSE mount, the Andrew workload, SIGKILL of the primary,
// the view change, a byte-for-byte check. Exit status 0 only if all checks pass.
import type { Command } from 'commander';

interface DemoCliOptions { make: boolean; kill: boolean; keep?: boolean }

async function runDemoCommand(opts: DemoCliOptions): Promise<void> {
  const { runDemo } = await import('../../bench/demo/run-demo.js');
  const { runCleanups } = await import('../../bench/lib/children.js');
  // Ctrl-C: unmount and stop the replicas before leaving, never leave a stale mount.
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\nbfs demo: ${signal}, cleaning up (unmount, stop replicas)…\n`);
    void runCleanups().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const ok = await runDemo({ skipMake: !opts.make, noKill: !opts.kill, keep: opts.keep }).catch(async (err: unknown) => {
    await runCleanups();
    throw err;
  });
  process.exitCode = ok ? 0 : 1;
}

export function register(program: Command): void {
  program.command('demo')
    .description('run a local group of 4, mount it, run a workload, kill the primary, verify every byte')
    .option('--no-make', 'skip the compile phase (quicker)')
    .option('--no-kill', 'do not kill the primary')
    .option('--keep', 'keep the cluster directory and logs afterwards')
    .action(runDemoCommand);
}
