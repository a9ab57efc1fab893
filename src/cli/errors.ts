// User-facing failures: one clear line (what failed, why, what to do), no stack.

/** An error caused by the user's input or environment, printed without a stack trace. */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}

function describe(err: unknown): string {
  if (err instanceof UserError) return err.hint ? `${err.message} (${err.hint})` : err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Print `err` as one line on stderr; the stack only with BFS_DEBUG=1 or for non-user errors when asked. */
export function reportError(err: unknown): number {
  process.stderr.write(`bfs: ${describe(err)}\n`);
  if (process.env.BFS_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return err instanceof UserError ? err.exitCode : 1;
}

/** Parse a non-negative integer option, or fail naming the option. */
export function parseCount(name: string, min = 0): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new UserError(`${name} must be an integer >= ${min}, got "${value}"`);
    return n;
  };
}
