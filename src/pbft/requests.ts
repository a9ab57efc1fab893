// Client requests a replica holds but has not executed: at most one per client
// (a newer timestamp replaces an older one, so a client cannot fill our memory),
// indexed by digest to complete pre-prepares whose MAC entry for us failed, and
// an arrival-ordered queue of what the primary has not yet assigned a seq.
import type { AuthRequest, ClientId, Request } from './types.js';

export interface PendingRequest {
  auth: AuthRequest;
  request: Request;
  /** Digest of auth.request (computed once: a big request's bytes are not hashed again). */
  digest: Uint8Array;
  digestHex: string;
}

export class RequestStore {
  private readonly byClient = new Map<ClientId, PendingRequest>();
  private readonly byDigest = new Map<string, PendingRequest>();
  /** Not yet in a pre-prepare of the current view (used by the primary). */
  readonly unassigned = new Map<string, PendingRequest>();

  /**
   * Store a verified request; returns false if we already hold it or a newer one.
   * `assigned`: a pre-prepare of this view already carries it (it completed one
   * that waited for the client's copy), so the primary must not order it again.
   */
  add(p: PendingRequest, assigned = false): boolean {
    const old = this.byClient.get(p.request.client);
    if (old && old.request.timestamp >= p.request.timestamp) return false;
    if (old) this.remove(old);
    this.byClient.set(p.request.client, p);
    this.byDigest.set(p.digestHex, p);
    if (!assigned) this.unassigned.set(p.digestHex, p);
    return true;
  }

  byDigestHex(hex: string): PendingRequest | undefined {
    return this.byDigest.get(hex);
  }

  forClient(client: ClientId): PendingRequest | undefined {
    return this.byClient.get(client);
  }

  /** The request executed (or a newer one of its client did): forget it. */
  executed(client: ClientId, timestamp: number): void {
    const p = this.byClient.get(client);
    if (p && p.request.timestamp <= timestamp) this.remove(p);
  }

  private remove(p: PendingRequest): void {
    this.byClient.delete(p.request.client);
    this.byDigest.delete(p.digestHex);
    this.unassigned.delete(p.digestHex);
  }

  /** Oldest pending request (the one the view-change timer waits for). */
  oldest(): PendingRequest | undefined {
    for (const p of this.byClient.values()) return p;
    return undefined;
  }

  get size(): number {
    return this.byClient.size;
  }

  /** Forget everything (after a state transfer; clients still waiting retransmit). */
  clear(): void {
    this.byClient.clear();
    this.byDigest.clear();
    this.unassigned.clear();
  }

  /** Every pending request becomes unassigned again except those in `assigned` (a new view). */
  resetAssigned(assigned: Set<string>): void {
    this.unassigned.clear();
    for (const p of this.byClient.values()) if (!assigned.has(p.digestHex)) this.unassigned.set(p.digestHex, p);
  }
}
