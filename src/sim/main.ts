// `npm run sim -- --seeds A..B ...`: run seeds, print each failure with its
// seed and trace, end with one summary line; exit 1 on any violation.
import { parseSimArgs, USAGE, UsageError, type SimCliArgs } from './cli-args.js';
import { formatFailure, runSeed } from './simulation.js';

function progress(done: number, total: number, violations: number): void {
  if (!process.stderr.isTTY) return;
  process.stderr.write(`\rsim: ${done}/${total} seeds, ${violations} violations`);
}

function run(args: SimCliArgs): number {
  const total = args.seedLast - args.seedFirst + 1;
  let violations = 0;
  for (let seed = args.seedFirst; seed <= args.seedLast; seed++) {
    const r = runSeed({
      seed, f: args.f, byzantine: args.byzantine, faults: args.faults, traceLength: args.traceLength,
    });
    if (r.violations.length > 0) {
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      console.log(formatFailure(r));
    } else if (args.verbose) {
      const s = r.stats;
      console.log(`seed ${seed} ok (${r.scenario}) ops ${s.opsCompleted}/${s.opsTotal} committed ${s.committed} checkpoints ${s.checkpoints} end ${s.endMs} ms`);
    }
    violations += r.violations.length;
    progress(seed - args.seedFirst + 1, total, violations);
  }
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  console.log(`sim: ${total} seeds, ${violations} violations`);
  return violations > 0 ? 1 : 0;
}

function main(): void {
  try {
    process.exitCode = run(parseSimArgs(process.argv.slice(2)));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`sim: ${err.message}\n${USAGE}`);
    process.exitCode = 2;
  }
}

main();
