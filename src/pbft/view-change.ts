// View change: checking VIEW-CHANGE certificates and computing / checking the
// NEW-VIEW's O from V (PBFT §4.4). Every Signed inside is re-verified.
import type { PrePrepare, PreparedCert, ProtocolAuth, Signed, ViewChange } from './types.js';
import type { Quorums } from './quorums.js';
import { primaryOf } from './quorums.js';
import { batchDigest } from './batch.js';
import { bytesEqual } from './bytes.js';

export interface VcContext {
  auth: ProtocolAuth;
  q: Quorums;
  checkpointInterval: number;
  /** TEST-ONLY mutation: O ignores P. */
  ignorePrepared?: boolean;
}

/** Why a VIEW-CHANGE (signed by `signer`) is invalid, or null when it checks out. */
export function checkViewChange(ctx: VcContext, vc: ViewChange, signer: number): string | null {
  if (vc.replica !== signer) return 'replica-mismatch';
  if (vc.stableSeq % ctx.checkpointInterval !== 0) return 'stable-seq-not-checkpoint';
  if (vc.stableSeq > 0) {
    const bad = checkCheckpointProof(ctx, vc.stableSeq, vc.stableDigest, vc.checkpointProof);
    if (bad) return bad;
  }
  const seen = new Set<number>();
  for (const cert of vc.prepared) {
    const pp = checkPreparedCert(ctx, cert, vc.view);
    if (typeof pp === 'string') return pp;
    if (pp.seq <= vc.stableSeq || pp.seq > vc.stableSeq + 2 * ctx.checkpointInterval) return 'cert-outside-window';
    if (seen.has(pp.seq)) return 'cert-duplicate-seq';
    seen.add(pp.seq);
  }
  return null;
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

/** The certified pre-prepare, or why the certificate is invalid. */
export function checkPreparedCert(ctx: VcContext, cert: PreparedCert, beforeView: number): PrePrepare | string {
  if (!cert.prePrepare || !Array.isArray(cert.prepares)) return 'cert-malformed';
  const m = ctx.auth.open(cert.prePrepare);
  if (!m || m.type !== 'prePrepare') return 'cert-not-pre-prepare';
  const pp = m.prePrepare;
  const primary = primaryOf(pp.view, ctx.q.n);
  if (cert.prePrepare.signer !== primary) return 'cert-pre-prepare-not-from-primary';
  if (pp.view >= beforeView) return 'cert-view-too-high';
  if (!bytesEqual(batchDigest(ctx.auth, pp.timeMs, pp.requests), pp.digest)) return 'cert-digest-mismatch';
  const signers = new Set<number>();
  for (const s of cert.prepares) {
    const pm = ctx.auth.open(s);
    if (!pm || pm.type !== 'prepare') return 'cert-not-prepare';
    const p = pm.prepare;
    if (p.replica !== s.signer || s.signer === primary) return 'cert-bad-prepare-signer';
    if (p.view !== pp.view || p.seq !== pp.seq || !bytesEqual(p.digest, pp.digest)) return 'cert-prepare-mismatch';
    signers.add(s.signer);
  }
  return signers.size >= ctx.q.prepares ? pp : 'cert-too-few-prepares';
}

export interface NewViewPlan {
  minS: number;
  maxS: number;
  /** The VIEW-CHANGE that carries the checkpoint at minS (its proof). */
  stableFrom: ViewChange;
  /** Pre-prepares for view `view`, seq minS+1..maxS. */
  prePrepares: PrePrepare[];
}

/** Compute O from V (already checked): the highest-view prepared batch per seq, else the null request. */
export function computeNewView(ctx: VcContext, view: number, vcs: ViewChange[], nullDigest: Uint8Array): NewViewPlan {
  let stableFrom = vcs[0];
  for (const vc of vcs) if (vc.stableSeq > stableFrom.stableSeq) stableFrom = vc;
  const minS = stableFrom.stableSeq;
  const best = new Map<number, PrePrepare>();
  if (!ctx.ignorePrepared) {
    for (const vc of vcs) {
      for (const cert of vc.prepared) {
        const m = ctx.auth.open(cert.prePrepare);
        if (!m || m.type !== 'prePrepare') continue; // checked before; unreachable
        const pp = m.prePrepare;
        if (pp.seq <= minS) continue;
        const cur = best.get(pp.seq);
        if (!cur || pp.view > cur.view) best.set(pp.seq, pp);
      }
    }
  }
  let maxS = minS;
  for (const seq of best.keys()) if (seq > maxS) maxS = seq;
  const prePrepares: PrePrepare[] = [];
  for (let seq = minS + 1; seq <= maxS; seq++) {
    const pp = best.get(seq);
    prePrepares.push(pp
      ? { view, seq, digest: pp.digest, timeMs: pp.timeMs, requests: pp.requests }
      : { view, seq, digest: nullDigest, timeMs: 0, requests: [] });
  }
  return { minS, maxS, stableFrom, prePrepares };
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
