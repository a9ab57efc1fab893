// Guards: every reason to drop a protocol message, one function per handler
// (ignorePrePrepare for onPrePrepare, ...). A guard returns null to accept.
import type { Checkpoint, Commit, Lagging, NewView, PrePrepare, Prepare, ProtocolAuth, ReplicaConfig, Signed, ViewChange } from './types.js';
import type { Quorums } from './quorums.js';
import type { MessageLog } from './log.js';
import type { CheckpointTracker } from './checkpoints.js';
import type { VcContext } from './view-change.js';
import { checkViewChange } from './view-change.js';
import { countMatching } from './log.js';
import { primaryOf } from './quorums.js';
import { batchDigestFrom, batchBytes, isByDigest, requestDigests } from './batch.js';
import { bytesEqual, toHex } from './bytes.js';

/** What the guards read of a replica's state. */
export interface GuardState {
  readonly config: ReplicaConfig;
  readonly auth: ProtocolAuth;
  readonly q: Quorums;
  readonly view: number;
  readonly active: boolean;
  readonly stableSeq: number;
  readonly lastCommitted: number;
  readonly nowMs: number;
  readonly log: MessageLog;
  readonly checkpoints: CheckpointTracker;
  readonly vcCtx: VcContext;
  /** Time of the batch before `seq` as far as we know it (BFS: time never goes backwards). */
  previousTimeMs(seq: number): number;
  /** View of the latest VIEW-CHANGE we hold from `replica`, or -1. */
  latestViewChangeView(replica: number): number;
}

/** Drops that happen in normal operation (duplicates, late or early messages). */
export const BENIGN_REASONS = new Set([
  'duplicate', 'stale-view', 'view-changing', 'wrong-view', 'outside-watermarks', 'stale-checkpoint',
  'already-in-view', 'i-am-primary', 'from-self', 'not-behind',
]);

function inWindow(s: GuardState, seq: number): boolean {
  return seq > s.stableSeq && seq <= s.stableSeq + 2 * s.config.checkpointInterval;
}

function commonChecks(s: GuardState, view: number, seq: number): string | null {
  if (!s.active) return 'view-changing';
  if (view !== s.view) return view < s.view ? 'stale-view' : 'wrong-view';
  if (!inWindow(s, seq)) return 'outside-watermarks';
  return null;
}

/** Out-parameter: the request digests computed while checking the batch digest. */
export interface PrePrepareCheck { reqDigests: Uint8Array[] }

export function ignorePrePrepare(s: GuardState, signed: Signed, pp: PrePrepare, out: PrePrepareCheck): string | null {
  const common = commonChecks(s, pp.view, pp.seq);
  if (common) return common;
  const primary = primaryOf(s.view, s.config.n);
  if (primary === s.config.id) return 'i-am-primary';
  if (signed.signer !== primary) return 'not-from-primary';
  const e = s.log.get(pp.seq);
  if (e?.prePrepare && e.view === pp.view) {
    return e.digestHex === toHex(pp.digest) ? 'duplicate' : 'conflicting-pre-prepare';
  }
  if (pp.requests.length > s.config.batchRequestsMax) return 'batch-too-many-requests';
  if (batchBytes(pp.requests) > s.config.batchBytesMax) return 'batch-too-large';
  out.reqDigests = requestDigests(s.auth, pp.requests);
  if (!bytesEqual(batchDigestFrom(s.auth, pp.timeMs, out.reqDigests), pp.digest)) return 'digest-mismatch';
  if (pp.requests.length > 0) {
    // 2f+1 commits already vouch for this batch (a replica catching up after a
    // state transfer gets old batches): f+1 correct replicas accepted its time.
    const committed = e !== undefined && e.view === pp.view && countMatching(e.commits, toHex(pp.digest)) >= s.q.quorum;
    if (Math.abs(pp.timeMs - s.nowMs) > s.config.timeSkewMsMax && !committed) return 'time-skew';
    if (pp.timeMs <= s.previousTimeMs(pp.seq)) return 'time-not-increasing';
  }
  return null;
}

function ignoreVote(s: GuardState, signed: Signed, v: Prepare | Commit, votes: 'prepares' | 'commits'): string | null {
  if (v.replica !== signed.signer) return 'replica-mismatch';
  const common = commonChecks(s, v.view, v.seq);
  if (common) return common;
  const e = s.log.get(v.seq);
  const prior = e && e.view === v.view ? e[votes].get(v.replica) : undefined;
  if (prior) return prior.digestHex === toHex(v.digest) ? 'duplicate' : 'conflicting-vote';
  return null;
}

export function ignorePrepare(s: GuardState, signed: Signed, p: Prepare): string | null {
  if (signed.signer === primaryOf(p.view, s.config.n)) return 'prepare-from-primary';
  return ignoreVote(s, signed, p, 'prepares');
}

export function ignoreCommit(s: GuardState, signed: Signed, c: Commit): string | null {
  return ignoreVote(s, signed, c, 'commits');
}

export function ignoreCheckpoint(s: GuardState, signed: Signed, c: Checkpoint): string | null {
  if (c.replica !== signed.signer) return 'replica-mismatch';
  if (c.seq % s.config.checkpointInterval !== 0 || c.seq === 0) return 'not-checkpoint-seq';
  if (c.seq <= s.stableSeq) return 'stale-checkpoint';
  if (c.seq > s.stableSeq + 2 * s.config.checkpointInterval) return 'checkpoint-too-far-ahead';
  if (s.checkpoints.hasVote(c.seq, c.replica)) return 'duplicate';
  return null;
}

export function ignoreLagging(s: GuardState, signed: Signed, l: Lagging): string | null {
  if (l.replica !== signed.signer) return 'replica-mismatch';
  if (!s.active) return 'view-changing';
  if (l.view !== s.view) return l.view < s.view ? 'stale-view' : 'wrong-view';
  // Not behind our commits, but maybe stuck on the next batch for a big request's client copy that we may hold.
  const next = s.log.get(l.lastExecuted + 1);
  const namesBig = next?.prePrepare !== undefined && next.view === s.view && next.prePrepare.requests.some(isByDigest);
  if (l.lastExecuted >= s.lastCommitted && !namesBig) return 'not-behind';
  return null;
}

export function ignoreViewChange(s: GuardState, signed: Signed, vc: ViewChange): string | null {
  if (vc.replica !== signed.signer) return 'replica-mismatch';
  if (vc.view < s.view) return 'stale-view';
  if (vc.view === s.view && s.active) return 'already-in-view';
  const prior = s.latestViewChangeView(vc.replica);
  if (prior === vc.view) return 'duplicate';
  if (prior > vc.view) return 'stale-view';
  return checkViewChangeReason(s, vc, signed.signer);
}

function checkViewChangeReason(s: GuardState, vc: ViewChange, signer: number): string | null {
  if (vc.prepared.length > 2 * s.config.checkpointInterval) return 'too-many-certs';
  const bad = checkViewChange(s.vcCtx, vc, signer);
  return bad ? `bad-view-change:${bad}` : null;
}

export function ignoreNewView(s: GuardState, signed: Signed, nv: NewView): string | null {
  if (signed.signer !== primaryOf(nv.view, s.config.n)) return 'not-from-primary';
  if (nv.view < s.view) return 'stale-view';
  if (nv.view === s.view && s.active) return 'already-in-view';
  if (nv.view === 0) return 'new-view-zero';
  return null;
}
