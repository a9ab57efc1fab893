// What the runtime drives: the PBFT Replica from src/pbft, or the unreplicated
// core (the BFS-nr baseline). Both are pure step machines.
import type { Input, Output, ReplicaStatus } from '../pbft/types.js';

export type { ReplicaStatus } from '../pbft/types.js';

export interface ReplicaCore {
  step(input: Input): Output[];
  status(): ReplicaStatus;
}
