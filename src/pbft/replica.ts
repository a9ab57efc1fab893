// PBFT replica: step(input) -> outputs (skeleton; filled in next commits).
import type { Input, Output, ProtocolAuth, ReplicaConfig, ReplicaStatus, StateMachine } from './types.js';
import type { ReplicaOptions } from './byzantine.js';
import { primaryOf, quorumsFor } from './quorums.js';

export { defaultReplicaConfig } from './config.js';
export { BYZANTINE_BEHAVIOURS } from './byzantine.js';
export type { ByzantineBehaviour, Mutations, ReplicaOptions } from './byzantine.js';

export class Replica {
  private readonly view = 0;
  constructor(
    readonly config: ReplicaConfig,
    private readonly auth: ProtocolAuth,
    private readonly sm: StateMachine,
    readonly options: ReplicaOptions = {},
  ) {
    quorumsFor(config.n);
  }

  step(_input: Input): Output[] {
    return [];
  }

  status(): ReplicaStatus {
    return {
      id: this.config.id, view: this.view, primary: primaryOf(this.view, this.config.n),
      lastExecuted: 0, lastCommitted: 0, stableSeq: 0, stableDigest: this.sm.digest(), viewChanging: false,
    };
  }
}
