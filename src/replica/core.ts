// What the runtime drives: the PBFT Replica from src/pbft, or the unreplicated
// core (the BFS-nr baseline). Both are pure step machines.
import type { Input, Output } from '../pbft/types.js';

export interface CoreStatus {
  replica: number;
  view: number;
  primary: number;
  lastExecuted: number;
  stableSeq: number;
  stateDigest: Uint8Array;
  viewChanging: boolean;
}

export interface ReplicaCore {
  step(input: Input): Output[];
  status(): CoreStatus;
}
