// Replica and CLI logs: pino JSON, pretty on a terminal (DESIGN.md §7).
import { pino, type Logger, type Level } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger } from 'pino';

export const LOG_LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export interface LoggerOptions {
  level?: string;
  /** Default: pretty when stdout is a terminal. */
  pretty?: boolean;
  /** Fields bound on every line (e.g. { replica: 2 }). */
  base?: Record<string, string | number>;
}

export function isLogLevel(level: string): level is Level {
  return (LOG_LEVELS as readonly string[]).includes(level) || level === 'silent';
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? process.env.BFS_LOG_LEVEL ?? 'info';
  const pretty = opts.pretty ?? process.stdout.isTTY === true;
  const options = { level, base: opts.base ?? {}, timestamp: pino.stdTimeFunctions.isoTime };
  // The pretty stream runs in-process (sync), not as a worker transport, so a
  // crash never loses the last lines.
  if (pretty) return pino(options, PinoPretty({ colorize: true, sync: true, translateTime: 'HH:MM:ss.l' }));
  return pino(options, pino.destination({ sync: true }));
}
