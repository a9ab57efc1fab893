// `tsx bench/andrew/main.ts --target DIR [--copies N] [--jobs N] [--no-make]`:
// run the Andrew workload once on any directory (a tmpfs dir, a FUSE mount)
// and print the phase times. bench/main.ts runs it across configurations.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { positiveInt } from '../lib/args.js';
import { andrewProgress, createProgress } from '../lib/progress.js';
import { PHASE_NAMES, runAndrew } from './run-andrew.js';
import { extractSource } from './source-tree.js';

const USAGE = 'usage: tsx bench/andrew/main.ts --target DIR [--copies N] [--jobs N] [--no-make]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string' },
      copies: { type: 'string', default: '1' },
      jobs: { type: 'string', default: '2' },
      'no-make': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.target) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const copies = positiveInt(values.copies, '--copies');
  const jobs = positiveInt(values.jobs, '--jobs');
  const scratch = await mkdtemp(join(tmpdir(), 'bfs-andrew-src-'));
  const progress = createProgress();
  try {
    const tree = await extractSource(scratch);
    const target = join(values.target, `andrew-${process.pid}-${Date.now()}`);
    const result = await runAndrew({
      tree, target, copies, makeJobs: jobs, skipMake: values['no-make'],
      onProgress: andrewProgress(progress, 'andrew'),
    });
    progress.stop();
    console.log(`Andrew on ${target}: ${copies} cop${copies === 1 ? 'y' : 'ies'} of ${tree.files.length} files, ${tree.dirs.length} dirs, ${tree.bytes} bytes`);
    for (const phase of PHASE_NAMES) console.log(`  ${phase.padEnd(6)} ${result.phasesMs[phase].toFixed(1).padStart(10)} ms`);
    console.log(`  ${'total'.padEnd(6)} ${result.totalMs.toFixed(1).padStart(10)} ms`);
  } finally {
    progress.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`andrew: ${(err as Error).message}`);
  process.exit(1);
});
