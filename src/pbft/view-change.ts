// View change without prepared certificates (Castro & Liskov, TOCS 2002
// §3.2.4; OSDI '99 §5 "MACs for all but view-change messages"): checking
// VIEW-CHANGEs and deciding / checking the NEW-VIEW's O from the set V.
//
// PRE-PREPAREs and PREPAREs carry MAC authenticators (src/crypto/node-auth.ts),
// which a third replica cannot re-verify, so a VIEW-CHANGE cannot prove what
// prepared. Each replica instead states, under its own signature, P (per seq,
// the batch prepared here in the highest view) and Q (per seq, the digests
// pre-prepared here, each with its highest view). For each seq above the
// chosen checkpoint the batch with digest d that a message in V reports in P
// at view v is chosen when
//   A1  2f+1 messages in V report nothing in P at that seq that contradicts it
//       (a lower view, or the same view and digest), and
//   A2  f+1 messages in V report d in Q at view v or higher;
// else the null request when 2f+1 messages report nothing in P at that seq;
// else V does not decide yet and the new primary waits for more VIEW-CHANGEs
// (with all 2f+1 correct replicas' messages in V, every seq decides).
// Why it is safe: a batch committed at (v, n) prepared at f+1 correct
// replicas; each reports it (or the same digest at a later view) in P, so no
// other digest finds 2f+1 non-contradicting messages at a view <= v (only 2f
// replicas are outside those f+1). A claim at a higher view needs f+1 Q
// entries, so a correct replica pre-prepared it there, which it does only for
// what that view's NEW-VIEW chose: by induction the committed digest. Every
// batch in P carries its requests and is checked against its digest, so the
// chosen batch's content comes with the choice.
import type { PrePrepare, ProtocolAuth, Signed, ViewChange } from './types.js';
import type { Quorums } from './quorums.js';
import { batchDigest } from './batch.js';
import { bytesEqual, toHex } from './bytes.js';

export interface VcContext {
  auth: ProtocolAuth;
  q: Quorums;
  checkpointInterval: number;
  /** TEST-ONLY mutation: O ignores P. */
  ignorePrepared?: boolean;
  /** TEST-ONLY mutation: choose a P entry without condition A2 (f+1 Q entries). */
  skipPrePreparedCheck?: boolean;
}

/** At most this many Q entries per seq in one VIEW-CHANGE (distinct digests pre-prepared there across views). */
export const PRE_PREPARED_PER_SEQ_MAX = 4;

/** Why a VIEW-CHANGE (signed by `signer`) is invalid, or null when it checks out. */
export function checkViewChange(ctx: VcContext, vc: ViewChange, signer: number): string | null {
  if (vc.replica !== signer) return 'replica-mismatch';
  if (vc.stableSeq % ctx.checkpointInterval !== 0) return 'stable-seq-not-checkpoint';
  if (vc.stableSeq > 0) {
    const bad = checkCheckpointProof(ctx, vc.stableSeq, vc.stableDigest, vc.checkpointProof);
    if (bad) return bad;
  }
  const inWindow = (seq: number): boolean => seq > vc.stableSeq && seq <= vc.stableSeq + 2 * ctx.checkpointInterval;
  const seen = new Set<number>();
  for (const pp of vc.prepared) {
    if (pp.view >= vc.view) return 'prepared-view-too-high';
    if (!inWindow(pp.seq)) return 'prepared-outside-window';
    if (seen.has(pp.seq)) return 'prepared-duplicate-seq';
    if (!bytesEqual(batchDigest(ctx.auth, pp.timeMs, pp.requests), pp.digest)) return 'prepared-digest-mismatch';
    seen.add(pp.seq);
  }
  const q: PrePreparedIndex = new Map();
  for (const c of vc.prePrepared) {
    if (c.view >= vc.view) return 'pre-prepared-view-too-high';
    if (!inWindow(c.seq)) return 'pre-prepared-outside-window';
    const views = q.get(c.seq) ?? new Map<string, number>();
    const hex = toHex(c.digest);
    if (views.has(hex)) return 'pre-prepared-duplicate';
    views.set(hex, c.view);
    if (views.size > PRE_PREPARED_PER_SEQ_MAX) return 'pre-prepared-too-many';
    q.set(c.seq, views);
  }
  // A correct replica pre-prepared what it prepared, in that view or later.
  for (const pp of vc.prepared) if (!vouches(q, pp.seq, toHex(pp.digest), pp.view)) return 'prepared-not-pre-prepared';
  return null;
}

/** Q of one VIEW-CHANGE: seq -> digest hex -> the highest view it was pre-prepared in. */
type PrePreparedIndex = Map<number, Map<string, number>>;

/** Whether Q says the digest `hex` was pre-prepared at `seq` in `view` or later. */
function vouches(q: PrePreparedIndex, seq: number, hex: string, view: number): boolean {
  return (q.get(seq)?.get(hex) ?? -1) >= view;
}

/** One checked VIEW-CHANGE's P and Q, indexed by seq once for the whole decision. */
interface Statement { prepared: Map<number, PrePrepare>; prePrepared: PrePreparedIndex }

function statementOf(vc: ViewChange): Statement {
  const prepared = new Map<number, PrePrepare>();
  for (const pp of vc.prepared) prepared.set(pp.seq, pp);
  const prePrepared: PrePreparedIndex = new Map();
  for (const c of vc.prePrepared) {
    const views = prePrepared.get(c.seq) ?? new Map<string, number>();
    views.set(toHex(c.digest), c.view);
    prePrepared.set(c.seq, views);
  }
  return { prepared, prePrepared };
}

export function checkCheckpointProof(ctx: VcContext, seq: number, digest: Uint8Array, proof: Signed[]): string | null {
  const signers = new Set<number>();
  for (const s of proof) {
    const m = ctx.auth.open(s);
    if (!m || m.type !== 'checkpoint') return 'proof-not-checkpoint';
    const c = m.checkpoint;
    if (c.replica !== s.signer || c.seq !== seq || !bytesEqual(c.stateDigest, digest)) return 'proof-mismatch';
    signers.add(s.signer);
  }
  return signers.size >= ctx.q.quorum ? null : 'proof-too-small';
}

export interface NewViewPlan {
  minS: number;
  maxS: number;
  /** The VIEW-CHANGE that carries the checkpoint at minS (its proof). */
  stableFrom: ViewChange;
  /** Pre-prepares for view `view`, seq minS+1..maxS. */
  prePrepares: PrePrepare[];
}

/**
 * Decide O from V (every message already checked): per seq the batch A1/A2
 * choose, else the null request; null when some seq is not decided yet.
 */
export function computeNewView(ctx: VcContext, view: number, vcs: ViewChange[], nullDigest: Uint8Array): NewViewPlan | null {
  let stableFrom = vcs[0];
  for (const vc of vcs) if (vc.stableSeq > stableFrom.stableSeq) stableFrom = vc;
  const minS = stableFrom.stableSeq;
  let maxS = minS;
  if (!ctx.ignorePrepared) for (const vc of vcs) for (const pp of vc.prepared) maxS = Math.max(maxS, pp.seq);
  const statements = vcs.map(statementOf);
  const prePrepares: PrePrepare[] = [];
  for (let seq = minS + 1; seq <= maxS; seq++) {
    const chosen = chooseAt(ctx, seq, statements);
    if (chosen === undefined) return null;
    prePrepares.push(chosen
      ? { view, seq, digest: chosen.digest, timeMs: chosen.timeMs, requests: chosen.requests }
      : { view, seq, digest: nullDigest, timeMs: 0, requests: [] });
  }
  return { minS, maxS, stableFrom, prePrepares };
}

/** The batch chosen at `seq` (A1 + A2), null for the null request (B), undefined when V does not decide. */
function chooseAt(ctx: VcContext, seq: number, statements: Statement[]): PrePrepare | null | undefined {
  const claims = statements.map((st) => st.prepared.get(seq));
  let best: { claim: PrePrepare; hex: string } | undefined;
  for (const claim of claims) {
    if (!claim) continue;
    const hex = toHex(claim.digest);
    if (!chosenByA(ctx, claim, hex, claims, statements)) continue;
    // Every claim A accepts has the committed digest if one committed; pick deterministically.
    if (!best || claim.view > best.claim.view || (claim.view === best.claim.view && hex < best.hex)) best = { claim, hex };
  }
  if (best) return best.claim;
  const silent = claims.filter((c) => c === undefined).length;
  return silent >= ctx.q.quorum ? null : undefined;
}

function chosenByA(ctx: VcContext, claim: PrePrepare, hex: string, claims: (PrePrepare | undefined)[], statements: Statement[]): boolean {
  let consistent = 0;
  for (const other of claims) {
    if (!other || other.view < claim.view || (other.view === claim.view && bytesEqual(other.digest, claim.digest))) consistent++;
  }
  if (consistent < ctx.q.quorum) return false;
  if (ctx.skipPrePreparedCheck) return true;
  const vouching = statements.filter((st) => vouches(st.prePrepared, claim.seq, hex, claim.view)).length;
  return vouching >= ctx.q.weak;
}

/** Check the NEW-VIEW's O against the recomputed plan; returns the opened pre-prepares or a reason. */
export function checkNewViewO(ctx: VcContext, plan: NewViewPlan, o: Signed[], primary: number): PrePrepare[] | string {
  if (o.length !== plan.prePrepares.length) return 'o-length-mismatch';
  const out: PrePrepare[] = [];
  for (let i = 0; i < o.length; i++) {
    const m = ctx.auth.open(o[i]);
    if (!m || m.type !== 'prePrepare' || o[i].signer !== primary) return 'o-not-pre-prepare';
    const got = m.prePrepare;
    const want = plan.prePrepares[i];
    if (got.view !== want.view || got.seq !== want.seq || got.timeMs !== want.timeMs) return 'o-mismatch';
    if (!bytesEqual(got.digest, want.digest)) return 'o-digest-mismatch';
    if (!bytesEqual(batchDigest(ctx.auth, got.timeMs, got.requests), got.digest)) return 'o-requests-mismatch';
    out.push(got);
  }
  return out;
}
