// The message log: one entry per sequence number, keyed in a Map, between the
// low watermark h (last stable checkpoint) and h + L.
import type { PrePrepare, PrePreparedClaim, ReplicaId, Request, Signed } from './types.js';
import { PRE_PREPARED_PER_SEQ_MAX } from './view-change.js';
import { toHex } from './bytes.js';

/** A prepare or commit as stored: its digest (hex, for matching) and the signed bytes. */
export interface Vote { digestHex: string; signed: Signed }

export interface LogEntry {
  seq: number;
  /** View of the accepted pre-prepare (or of the votes collected so far). */
  view: number;
  prePrepare?: PrePrepare;
  prePrepareSigned?: Signed;
  digestHex?: string;
  /** Decoded requests of the batch; null while we wait for the client's own copy. */
  requests: (Request | null)[];
  /** Hex digests of the batch's encoded requests (to fill `requests` when a client copy arrives). */
  requestHexes: string[];
  missingRequests: number;
  prepares: Map<ReplicaId, Vote>;
  commits: Map<ReplicaId, Vote>;
  sentPrepare?: Signed;
  sentCommit?: Signed;
  prepared: boolean;
  committed: boolean;
  /** The batch prepared here in the highest view (VIEW-CHANGE P; survives view changes). */
  preparedPp?: PrePrepare;
  /** Digests pre-prepared here (hex -> digest and highest view; VIEW-CHANGE Q; survives view changes). */
  prePrepared: Map<string, { digest: Uint8Array; view: number }>;
}

export class MessageLog {
  private readonly entries = new Map<number, LogEntry>();

  get(seq: number): LogEntry | undefined {
    return this.entries.get(seq);
  }

  /** The entry for `seq` in `view`, created (or reset from an older view) on demand. */
  open(seq: number, view: number): LogEntry {
    let e = this.entries.get(seq);
    if (!e) {
      e = freshEntry(seq, view);
      this.entries.set(seq, e);
    } else if (e.view < view) {
      resetForView(e, view);
    }
    return e;
  }

  /** Garbage-collect everything at or below a stable checkpoint. */
  discardUpTo(seq: number): void {
    for (const s of this.entries.keys()) if (s <= seq) this.entries.delete(s);
  }

  values(): IterableIterator<LogEntry> {
    return this.entries.values();
  }

  get size(): number {
    return this.entries.size;
  }
}

function freshEntry(seq: number, view: number): LogEntry {
  return {
    seq, view, requests: [], requestHexes: [], missingRequests: 0,
    prepares: new Map(), commits: new Map(), prepared: false, committed: false, prePrepared: new Map(),
  };
}

/** Drop the view-specific state; keep what VIEW-CHANGEs report (preparedPp, prePrepared). */
export function resetForView(e: LogEntry, view: number): void {
  e.view = view;
  e.prePrepare = undefined;
  e.prePrepareSigned = undefined;
  e.digestHex = undefined;
  e.requests = [];
  e.requestHexes = [];
  e.missingRequests = 0;
  e.prepares = new Map();
  e.commits = new Map();
  e.sentPrepare = undefined;
  e.sentCommit = undefined;
  e.prepared = false;
  e.committed = false;
}

/** Votes whose digest matches the entry's pre-prepare, excluding `exclude`. */
export function countMatching(votes: Map<ReplicaId, Vote>, digestHex: string | undefined, exclude = -1): number {
  if (digestHex === undefined) return 0;
  let count = 0;
  for (const [replica, v] of votes) if (replica !== exclude && v.digestHex === digestHex) count++;
  return count;
}

/** Remember that `pp` (digest `hex`) was pre-prepared here in pp.view (VIEW-CHANGE Q). */
export function notePrePrepared(e: LogEntry, pp: PrePrepare, hex: string): void {
  const had = e.prePrepared.get(hex);
  if (!had || had.view < pp.view) e.prePrepared.set(hex, { digest: pp.digest, view: pp.view });
}

/**
 * Q for one seq: the digest prepared here first (a correct VIEW-CHANGE reports
 * what it prepared in Q too), then the others by view, highest first, at most
 * PRE_PREPARED_PER_SEQ_MAX (more distinct digests at one seq take that many
 * view changes with faulty primaries; the oldest matter least).
 */
export function prePreparedClaims(e: LogEntry): PrePreparedClaim[] {
  const preparedHex = e.preparedPp ? toHex(e.preparedPp.digest) : undefined;
  const ranked = [...e.prePrepared].sort(([ha, a], [hb, b]) => Number(hb === preparedHex) - Number(ha === preparedHex) || b.view - a.view);
  return ranked.slice(0, PRE_PREPARED_PER_SEQ_MAX).map(([, c]) => ({ seq: e.seq, digest: c.digest, view: c.view }));
}
