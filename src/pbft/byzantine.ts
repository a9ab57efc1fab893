// Faults a replica can be told to play (tests, simulator, failover demos) and
// deliberate protocol mutations (TEST-ONLY: they break safety on purpose so the
// simulator's checkers can prove they catch it; never enable in production).

export const BYZANTINE_BEHAVIOURS = [
  'silent',               // sends nothing at all
  'equivocate',           // as primary: different batches for one seq to different backups
  'wrong-digest',         // prepares and commits carry corrupted digests
  'corrupt-replies',      // wrong results (with matching digests) to clients
  'bad-checkpoint',       // wrong state digests in checkpoints
  'replay',               // re-sends old protocol messages
  'spurious-view-change', // starts view changes for no reason
  'starve-client',        // as primary: never orders the lowest client id's requests
  'slow',                 // acts only every SLOW_EVERY_TICKS-th tick (outputs held back)
] as const;

export type ByzantineBehaviour = (typeof BYZANTINE_BEHAVIOURS)[number];

export function isByzantineBehaviour(s: string): s is ByzantineBehaviour {
  return (BYZANTINE_BEHAVIOURS as readonly string[]).includes(s);
}

/** 'slow' releases its held outputs once per this many ticks. */
export const SLOW_EVERY_TICKS = 8;
/** 'replay' re-sends one old message per this many ticks. */
export const REPLAY_EVERY_TICKS = 3;

/** TEST-ONLY protocol mutations: each one makes the replica unsafe. */
export interface Mutations {
  /** Commit with f+1 commits instead of 2f+1. */
  commitQuorum?: boolean;
  /** As new primary, fill O with null requests, ignoring the prepared batches (P) in V. */
  ignorePreparedInViewChange?: boolean;
  /** Prepared with f prepares from others instead of 2f. */
  prepareQuorum?: boolean;
  /** As new primary (and checking a NEW-VIEW), choose a batch in P without f+1 pre-prepared claims for it (A2). */
  skipPrePreparedCheck?: boolean;
}

export interface ReplicaOptions {
  byzantine?: ByzantineBehaviour;
  mutations?: Mutations;
}
