// The client's own copies of big requests (ordered by digest only) that log
// entries name. A replica needs them after the client's RequestStore entry is
// gone (executed, or replaced by the client's next request): to prepare the
// same batch again when a NEW-VIEW re-proposes it, and to hand them to a
// replica that lacks them (helpBehind). Kept exactly as long as the log keeps
// an entry that names them, so memory is bounded by the log window.
import type { AuthRequest, Request } from './types.js';

export interface RequestBody { auth: AuthRequest; request: Request }

export class BigRequestBodies {
  private readonly byDigest = new Map<string, { body: RequestBody; seq: number }>();

  get(digestHex: string): RequestBody | undefined {
    return this.byDigest.get(digestHex)?.body;
  }

  /** Log entry `seq` names this request: keep its body at least as long as that entry. */
  keep(digestHex: string, body: RequestBody, seq: number): void {
    const held = this.byDigest.get(digestHex);
    if (held) held.seq = Math.max(held.seq, seq);
    else this.byDigest.set(digestHex, { body, seq });
  }

  /** The log discarded entries up to `seq`: forget bodies only they named. */
  discardUpTo(seq: number): void {
    for (const [hex, held] of this.byDigest) if (held.seq <= seq) this.byDigest.delete(hex);
  }

  get size(): number {
    return this.byDigest.size;
  }
}
