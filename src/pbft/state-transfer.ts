// State transfer, the core's side (PURE): learn that we are behind, say which
// certified checkpoint to fetch, and wait. The runtime (or simulator) fetches
// the state, installs it, checks that the state machine's digest equals the
// certified one and feeds back { type: 'stateTransferred' }.
//
// We are behind when 2f+1 replicas vouch for a checkpoint above what we executed
// and our log cannot bridge the gap: the checkpoint is beyond our watermark
// window (others have discarded those batches), or we made no progress towards
// it for a while (a NEW-VIEW's min-s above us, lost messages, a restart with an
// empty state).
import type { ReplicaId, Signed } from './types.js';

/** A checkpoint that 2f+1 replicas signed: seq, state digest and the signed votes. */
export interface CertifiedCheckpoint { seq: number; digest: Uint8Array; digestHex: string; proof: Signed[] }

interface Vote { seq: number; digest: Uint8Array; digestHex: string; signed: Signed }

/** Checkpoint votes kept per replica (its newest ones), so a liar cannot fill our memory. */
const VOTES_PER_REPLICA_MAX = 4;

/**
 * Checkpoint votes from any height (also beyond our window, which the normal
 * checkpoint tracker drops), bounded per replica, and the state-transfer
 * target in progress.
 */
export class StateTransferTracker {
  private readonly votes = new Map<ReplicaId, Vote[]>();
  /** The certified checkpoint being fetched, or null while we execute normally. */
  target: CertifiedCheckpoint | null = null;
  /** Ticks without progress while a certified checkpoint above us is known. */
  stalledTicks = 0;
  private lastSeenExecuted = -1;

  constructor(private readonly quorum: number) {}

  get fetching(): boolean {
    return this.target !== null;
  }

  addVote(replica: ReplicaId, seq: number, digest: Uint8Array, digestHex: string, signed: Signed): void {
    const list = this.votes.get(replica) ?? [];
    if (list.some((v) => v.seq === seq)) return;
    list.push({ seq, digest, digestHex, signed });
    list.sort((a, b) => b.seq - a.seq);
    if (list.length > VOTES_PER_REPLICA_MAX) list.length = VOTES_PER_REPLICA_MAX;
    this.votes.set(replica, list);
  }

  /** A certificate that arrived whole (a NEW-VIEW's checkpoint proof). */
  addCertificate(seq: number, digest: Uint8Array, digestHex: string, proof: Signed[]): void {
    for (const s of proof) this.addVote(s.signer, seq, digest, digestHex, s);
  }

  /** The highest checkpoint above `above` with 2f+1 matching votes, or null. */
  bestCertified(above: number): CertifiedCheckpoint | null {
    const groups = new Map<string, Vote[]>();
    for (const list of this.votes.values()) {
      for (const v of list) {
        if (v.seq <= above) continue;
        const key = `${v.seq}:${v.digestHex}`;
        const g = groups.get(key) ?? [];
        g.push(v);
        groups.set(key, g);
      }
    }
    let best: CertifiedCheckpoint | null = null;
    for (const g of groups.values()) {
      if (g.length < this.quorum || (best && g[0].seq <= best.seq)) continue;
      best = { seq: g[0].seq, digest: g[0].digest, digestHex: g[0].digestHex, proof: g.slice(0, this.quorum).map((v) => v.signed) };
    }
    return best;
  }

  /** Count a tick; returns the ticks without progress of lastExecuted while a certified checkpoint above us was known. */
  tick(lastExecuted: number, candidate: boolean): number {
    if (lastExecuted !== this.lastSeenExecuted || !candidate) {
      this.lastSeenExecuted = lastExecuted;
      this.stalledTicks = 0;
    } else {
      this.stalledTicks++;
    }
    return this.stalledTicks;
  }

  /** Forget votes at or below `seq` (we reached it). */
  forgetUpTo(seq: number): void {
    for (const [replica, list] of this.votes) {
      const kept = list.filter((v) => v.seq > seq);
      if (kept.length === 0) this.votes.delete(replica);
      else this.votes.set(replica, kept);
    }
  }
}
