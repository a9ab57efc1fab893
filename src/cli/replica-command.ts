// `bfs replica --config FILE --id I`: one replica in the foreground.
import type { Command } from 'commander';
import { BYZANTINE_BEHAVIOURS, isByzantineBehaviour } from '../pbft/byzantine.js';
import { createLogger, isLogLevel } from '../replica/logger.js';
import { resolveConfigPath } from './cluster-files.js';
import { parseCount, UserError } from './errors.js';

interface ReplicaCliOptions {
  config?: string; id: number; key?: string; byzantine?: string; unreplicated?: boolean;
  logLevel: string; metricsPort?: number; tickMs?: number; maxMessageBytes?: number; data?: string; durability: string;
  tentative: boolean;
}

/** How long a graceful stop may take before we exit anyway. */
const SHUTDOWN_GRACE_MS = 3000;

async function runReplica(opts: ReplicaCliOptions): Promise<void> {
  if (!isLogLevel(opts.logLevel)) throw new UserError(`--log-level "${opts.logLevel}" is not a pino level`, 'use trace, debug, info, warn, error or silent');
  if (opts.byzantine !== undefined && !isByzantineBehaviour(opts.byzantine)) {
    throw new UserError(`--byzantine "${opts.byzantine}" is not a known behaviour`, `one of ${BYZANTINE_BEHAVIOURS.join(', ')}`);
  }
  if (opts.durability !== 'replicated' && opts.durability !== 'fsync') throw new UserError(`--durability "${opts.durability}" is not known`, 'use replicated or fsync');
  if (opts.durability === 'fsync' && !opts.data) throw new UserError('--durability fsync needs --data DIR', 'the write-ahead log and the checkpoint live in DIR');
  const logger = createLogger({ level: opts.logLevel, base: { replica: opts.id } });
  const { startReplica } = await import('../replica/start-replica.js');
  let running;
  try {
    running = await startReplica({
      configPath: resolveConfigPath(opts.config), id: opts.id, keyPath: opts.key, logger,
      byzantine: opts.byzantine as Parameters<typeof startReplica>[0]['byzantine'], unreplicated: opts.unreplicated,
      metricsPort: opts.metricsPort, tickMs: opts.tickMs, maxMessageBytes: opts.maxMessageBytes, dataDir: opts.data,
      durability: opts.durability, tentative: opts.tentative,
    });
  } catch (err) {
    // Bad config/key files and busy ports are the user's to fix: one line, no stack.
    const message = (err as Error).message;
    const busy = /EADDRINUSE: address already in use ([^\s\]]+)/.exec(message);
    if (busy) throw new UserError(`replica ${opts.id} cannot start: ${busy[1]} is in use`, `is replica ${opts.id} already running? try \`bfs status\``);
    throw new UserError(`replica ${opts.id} cannot start: ${message}`);
  }
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    running.stop().then(() => process.exit(0), (err: unknown) => { logger.error({ err }, 'shutdown failed'); process.exit(1); });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

export function register(program: Command): void {
  program.command('replica')
    .description('run one replica in the foreground')
    .requiredOption('--id <i>', 'replica id (0..n-1)', parseCount('--id', 0))
    .option('--config <file>', 'cluster file (default: $BFS_CONFIG or ./.bfs/cluster.json)')
    .option('--key <file>', 'key file (default: keys/replica-ID.json beside the cluster file)')
    .option('--byzantine <behaviour>', `misbehave on purpose, for tests and demos: ${BYZANTINE_BEHAVIOURS.join('|')}`)
    .option('--unreplicated', 'no agreement: execute requests on arrival (one-replica clusters; the BFS-nr baseline)')
    .option('--metrics-port <port>', 'serve Prometheus metrics here (default: from the cluster file; 0: any free port)', parseCount('--metrics-port', 0))
    .option('--tick-ms <ms>', 'length of one protocol tick', parseCount('--tick-ms', 1))
    .option('--max-message-bytes <n>', 'drop larger messages (default 64 MiB)', parseCount('--max-message-bytes', 1024))
    .option('--data <dir>', 'keep the last stable checkpoint here (only what changed is rewritten; verified on load, damaged parts fetched from the other replicas); a restart starts from it')
    .option('--durability <mode>', 'replicated: survive f failures at once (async disk writes); fsync: log committed batches in --data, fsynced before replying, so acknowledged writes survive the whole group being killed', 'replicated')
    .option('--no-tentative', 'reply only once a batch committed (tentative execution is on by default, and always off with --durability fsync)')
    .option('--log-level <level>', 'trace, debug, info, warn, error', process.env.BFS_LOG_LEVEL ?? 'info')
    .action(runReplica);
}
