// `tsx bench/demo/main.ts [--no-make] [--no-kill] [--keep]`: the demo as a
// program (`bfs demo` runs the same thing). Exit status 0 only if every check
// passed; Ctrl-C unmounts and stops every child first.
import { parseArgs } from 'node:util';
import { runCleanups } from '../lib/children.js';
import { runDemo } from './run-demo.js';

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  process.stderr.write(`\ndemo: ${signal}, cleaning up (unmount, stop replicas)…\n`);
  await runCleanups();
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

process.once('SIGINT', (s) => void onSignal(s));
process.once('SIGTERM', (s) => void onSignal(s));

const { values } = parseArgs({
  options: {
    'no-make': { type: 'boolean', default: false },
    'no-kill': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
runDemo({ skipMake: values['no-make'], noKill: values['no-kill'], keep: values.keep }).then(
  (ok) => process.exit(ok ? 0 : 1),
  async (err: unknown) => {
    await runCleanups();
    console.error(`demo: ${(err as Error).message}`);
    process.exit(1);
  },
);
