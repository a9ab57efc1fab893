// Our own invariants: a failure here is a bug in this replica, never bad input.
export class InvariantError extends Error {
  override name = 'InvariantError';
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new InvariantError(message);
}
