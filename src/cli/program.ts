// The `bfs` command line. Each subcommand lives in its own file exporting
// `register(program)`; adding one is one line in COMMAND_FILES.
import { Command, CommanderError } from 'commander';
import { reportError } from './errors.js';

const COMMAND_FILES = [
  './init-command.js',
  './replica-command.js',
  './up-command.js',
  './status-command.js',
  './fs-command.js',
  './mount-command.js',
  './demo-command.js',
  './bench-command.js',
];

interface CommandModule { register(program: Command): void }

export async function buildProgram(): Promise<Command> {
  const program = new Command('bfs')
    .description('bfs: a Byzantine-fault-tolerant replicated file service')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const file of COMMAND_FILES) {
    const mod = (await import(file)) as CommandModule;
    mod.register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram();
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    // Commander has already printed its own usage errors.
    if (err instanceof CommanderError) return err.exitCode;
    return reportError(err);
  }
}

