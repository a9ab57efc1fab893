// Checkpoint votes and the stable checkpoint with its 2f+1 proof.
import type { ReplicaId, Signed } from './types.js';

interface CheckpointVote { digestHex: string; signed: Signed }

export interface StableCheckpoint {
  seq: number;
  digest: Uint8Array;
  proof: Signed[];
}

export class CheckpointTracker {
  private readonly votes = new Map<number, Map<ReplicaId, CheckpointVote>>();
  /** Our own state digest at each checkpoint seq we reached. */
  private readonly own = new Map<number, Uint8Array>();

  constructor(public stable: StableCheckpoint) {}

  /** Record a vote; false if this replica already voted for this seq. */
  addVote(seq: number, replica: ReplicaId, digestHex: string, signed: Signed): boolean {
    let m = this.votes.get(seq);
    if (!m) { m = new Map(); this.votes.set(seq, m); }
    if (m.has(replica)) return false;
    m.set(replica, { digestHex, signed });
    return true;
  }

  hasVote(seq: number, replica: ReplicaId): boolean {
    return this.votes.get(seq)?.has(replica) ?? false;
  }

  recordOwn(seq: number, digest: Uint8Array): void {
    this.own.set(seq, digest);
  }

  ownDigest(seq: number): Uint8Array | undefined {
    return this.own.get(seq);
  }

  /** The 2f+1 matching votes for `seq` with `digestHex`, or null. */
  certificate(seq: number, digestHex: string, quorum: number): Signed[] | null {
    const m = this.votes.get(seq);
    if (!m) return null;
    const proof: Signed[] = [];
    for (const v of m.values()) if (v.digestHex === digestHex) proof.push(v.signed);
    return proof.length >= quorum ? proof.slice(0, quorum) : null;
  }

  /** True when 2f+1 replicas agree on some digest at `seq`. */
  anyCertified(seq: number, quorum: number): boolean {
    const m = this.votes.get(seq);
    if (!m || m.size < quorum) return false;
    const counts = new Map<string, number>();
    for (const v of m.values()) {
      const k = (counts.get(v.digestHex) ?? 0) + 1;
      if (k >= quorum) return true;
      counts.set(v.digestHex, k);
    }
    return false;
  }

  /** Advance the stable checkpoint and forget older votes. */
  makeStable(s: StableCheckpoint): void {
    this.stable = s;
    for (const seq of this.votes.keys()) if (seq <= s.seq) this.votes.delete(seq);
    for (const seq of this.own.keys()) if (seq < s.seq) this.own.delete(seq);
  }
}
