// Pure client core (skeleton).
import type { ClientAuth, ClientId, ClientOutput, Reply } from './types.js';

export interface ClientCoreConfig {
  id: ClientId;
  n: number;
  /** First timestamp; derive it from the wall clock at start so restarts never reuse one. */
  initialTimestamp: number;
  tickMs: number;
  /** Seed of the back-off PRNG. */
  seed: number;
}

export class ClientCore {
  constructor(readonly config: ClientCoreConfig, private readonly auth: ClientAuth) {}
  submit(_op: Uint8Array, _readOnly: boolean): ClientOutput[] { return []; }
  onReply(_reply: Reply): ClientOutput[] { return []; }
  tick(_nowMs: number): ClientOutput[] { return []; }
}
