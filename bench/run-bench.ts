// The bench runner (`npm run bench -- ...` and `bfs bench ...`): runs benchmarks
// and writes bench/results/<name>.{json,md,svg}. Benchmarks print tables; they
// are never tests.
import { parseArgs } from 'node:util';
import { ANDREW_CONFIGS, runAndrewBench } from './andrew-bench.js';
import { intList, positiveInt } from './lib/args.js';
import { createProgress } from './lib/progress.js';

const USAGE = `usage: npm run bench -- andrew|micro|throughput|all [options]

andrew:      --configs ${ANDREW_CONFIGS.map((c) => c.id).join(',')}  --reps 3  --copies 1  --jobs 2  --no-warm-up
micro:       --ops 2000 (per measurement)
throughput:  --clients 1,4,16,64  --seconds 5
Results: bench/results/<name>.json, .md, .svg`;

export const BENCHMARKS = ['andrew', 'micro', 'throughput'] as const;

export async function runBench(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      configs: { type: 'string', default: ANDREW_CONFIGS.map((c) => c.id).join(',') },
      reps: { type: 'string', default: '3' },
      copies: { type: 'string', default: '1' },
      jobs: { type: 'string', default: '2' },
      'no-warm-up': { type: 'boolean', default: false },
      ops: { type: 'string', default: '2000' },
      clients: { type: 'string', default: '1,4,16,64' },
      seconds: { type: 'string', default: '5' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const which = positionals[0];
  if (values.help || !which) {
    console.log(USAGE);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const names = which === 'all' ? [...BENCHMARKS] : [which];
  for (const name of names) if (!(BENCHMARKS as readonly string[]).includes(name)) throw new Error(`unknown benchmark "${name}"\n${USAGE}`);
  const progress = createProgress();
  try {
    for (const name of names) {
      if (name === 'andrew') {
        const { files } = await runAndrewBench({
          configs: values.configs.split(',').map((s) => s.trim()),
          reps: positiveInt(values.reps, '--reps'),
          copies: positiveInt(values.copies, '--copies'),
          makeJobs: positiveInt(values.jobs, '--jobs'),
          warmUp: !values['no-warm-up'],
          progress,
        });
        progress.stop();
        console.log(`\nandrew: ${files.markdown}, ${files.json}, ${files.svg}`);
      } else if (name === 'micro') {
        const { runMicroBench } = await import('./micro-bench.js');
        const { files } = await runMicroBench({ ops: positiveInt(values.ops, '--ops'), progress });
        console.log(`\nmicro: ${files.markdown}, ${files.json}, ${files.svg}`);
      } else {
        const { runThroughputBench } = await import('./throughput-bench.js');
        const { files } = await runThroughputBench({
          clients: intList(values.clients, '--clients'), seconds: positiveInt(values.seconds, '--seconds'), progress,
        });
        console.log(`\nthroughput: ${files.markdown}, ${files.json}, ${files.svg}`);
      }
    }
  } finally {
    progress.stop();
  }
}
