// The client's own copies of big requests (ordered by digest only) that a
// replica needs after the client's RequestStore entry is gone (executed, or
// replaced by the client's next request):
// - named: copies that log entries name, to prepare the same batch again when
//   a NEW-VIEW re-proposes it and to hand them to a replica that lacks them
//   (helpBehind). Kept exactly as long as the log keeps an entry that names
//   them, so memory is bounded by the log window.
// - unordered: copies whose client moved on (2f+1 others answered it) before
//   the pre-prepare naming them reached this replica. Without them a replica a
//   little behind the others (it gets every client copy at once, but the
//   pre-prepares later) lost one copy per request and fell further behind.
//   Bounded in bytes, oldest dropped first: a client sending big requests no
//   one orders cannot fill our memory.
import type { AuthRequest, Request } from './types.js';

export interface RequestBody { auth: AuthRequest; request: Request }

/** Bytes of unordered client copies kept (a few hundred 128 KiB writes behind). */
export const UNORDERED_BYTES_MAX = 64 * 1024 * 1024;

export class BigRequestBodies {
  private readonly byDigest = new Map<string, { body: RequestBody; seq: number }>();
  private readonly unordered = new Map<string, RequestBody>();
  private unorderedBytes = 0;

  get(digestHex: string): RequestBody | undefined {
    return this.byDigest.get(digestHex)?.body ?? this.unordered.get(digestHex);
  }

  /** Log entry `seq` names this request: keep its body at least as long as that entry. */
  keep(digestHex: string, body: RequestBody, seq: number): void {
    this.dropUnordered(digestHex);
    const held = this.byDigest.get(digestHex);
    if (held) held.seq = Math.max(held.seq, seq);
    else this.byDigest.set(digestHex, { body, seq });
  }

  /** A client copy no log entry names yet, about to leave the RequestStore: keep it (bounded) for a pre-prepare still on its way. */
  hold(digestHex: string, body: RequestBody): void {
    if (this.byDigest.has(digestHex) || this.unordered.has(digestHex)) return;
    this.unordered.set(digestHex, body);
    this.unorderedBytes += body.auth.request.length;
    for (const hex of this.unordered.keys()) {
      if (this.unorderedBytes <= UNORDERED_BYTES_MAX) break;
      this.dropUnordered(hex);
    }
  }

  private dropUnordered(digestHex: string): void {
    const body = this.unordered.get(digestHex);
    if (!body) return;
    this.unordered.delete(digestHex);
    this.unorderedBytes -= body.auth.request.length;
  }

  /** The log discarded entries up to `seq`: forget bodies only they named. */
  discardUpTo(seq: number): void {
    for (const [hex, held] of this.byDigest) if (held.seq <= seq) this.byDigest.delete(hex);
  }

  /** Copies held: named by log entries, and unordered. */
  get size(): { named: number; unordered: number } {
    return { named: this.byDigest.size, unordered: this.unordered.size };
  }
}
