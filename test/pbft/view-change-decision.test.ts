// The view change without prepared certificates (src/pbft/view-change.ts):
// which batch V decides at each seq from the P and Q its VIEW-CHANGEs state,
// and which VIEW-CHANGEs are refused outright.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeAuth } from './helpers/fake-auth.js';
import { quorumsFor } from '../../src/pbft/quorums.js';
import { batchDigest } from '../../src/pbft/batch.js';
import { toHex } from '../../src/pbft/bytes.js';
import { checkViewChange, computeNewView, type VcContext } from '../../src/pbft/view-change.js';
import type { PrePrepare, PrePreparedClaim, ViewChange } from '../../src/pbft/types.js';

const auth = new FakeAuth(0);
const ctx: VcContext = { auth, q: quorumsFor(4), checkpointInterval: 4 };
const NULL = batchDigest(auth, 0, []);
const NEW_VIEW = 5;

/** A batch at `seq` told apart by its time (no requests needed). */
function batch(seq: number, view: number, timeMs: number): PrePrepare {
  return { view, seq, digest: batchDigest(auth, timeMs, []), timeMs, requests: [] };
}
const q = (pp: PrePrepare, view = pp.view): PrePreparedClaim => ({ seq: pp.seq, digest: pp.digest, view });

function vc(replica: number, prepared: PrePrepare[], prePrepared: PrePreparedClaim[]): ViewChange {
  return { view: NEW_VIEW, stableSeq: 0, stableDigest: new Uint8Array(32), checkpointProof: [], prepared, prePrepared, replica };
}

function decided(vcs: ViewChange[]): string[] | null {
  const plan = computeNewView(ctx, NEW_VIEW, vcs, NULL);
  return plan && plan.prePrepares.map((pp) => (toHex(pp.digest) === toHex(NULL) ? 'null' : `t${pp.timeMs}`));
}

test('a batch prepared at f+1 and pre-prepared there is chosen; a seq nobody prepared becomes the null request', () => {
  const a = batch(2, 1, 100);
  const vcs = [vc(0, [a], [q(a)]), vc(1, [a], [q(a)]), vc(2, [], [])];
  assert.deepEqual(decided(vcs), ['null', 't100']);
  for (const v of vcs) assert.equal(checkViewChange(ctx, v, v.replica), null);
});

test('a lie in P at a higher view, vouched for only by the liar (A2), loses to what correct replicas prepared', () => {
  const committed = batch(1, 1, 100);
  const lie = batch(1, 4, 999);
  const three = [vc(0, [committed], [q(committed)]), vc(1, [committed], [q(committed)]), vc(3, [lie], [q(lie)])];
  assert.equal(decided(three), null, 'the lie contradicts the batch (A1: 2 of 3) and lacks f+1 Q entries (A2): wait');
  const vcs = [...three, vc(2, [committed], [q(committed)])];
  assert.deepEqual(decided(vcs), ['t100']);
  // Without A2 the lie would win: nobody's P contradicts a claim in view 4.
  assert.deepEqual(computeNewView({ ...ctx, skipPrePreparedCheck: true }, NEW_VIEW, vcs, NULL)?.prePrepares.map((pp) => pp.timeMs), [999]);
});

test('a claim at a higher view wins when f+1 replicas pre-prepared it there (a later view re-proposed the seq)', () => {
  const old = batch(1, 1, 100);
  const newer = batch(1, 3, 300);
  const vcs = [vc(0, [old], [q(old)]), vc(1, [newer], [q(newer), q(old)]), vc(2, [], [q(newer)])];
  assert.deepEqual(decided(vcs), ['t300']);
});

test('two digests at the same view contradict each other: with 2f+1 messages neither is chosen, and V waits', () => {
  const a = batch(1, 2, 100);
  const b = batch(1, 2, 200);
  const three = [vc(0, [a], [q(a)]), vc(1, [a], [q(a)]), vc(3, [b], [q(b)])];
  assert.deepEqual(decided(three), null, 'a has 2 consistent messages of 3, b has 1: undecided');
  const four = [...three, vc(2, [], [q(a)])];
  assert.deepEqual(decided(four), ['t100'], 'the fourth message makes a consistent at 2f+1');
});

test('a faulty claim can leave a seq undecided with 2f+1 messages; the next correct one decides it', () => {
  const lie = batch(1, 4, 999);
  const three = [vc(0, [], []), vc(1, [], []), vc(3, [lie], [q(lie)])];
  assert.equal(decided(three), null, 'not A (one Q entry), not B (only 2 silent)');
  assert.deepEqual(decided([...three, vc(2, [], [])]), ['null']);
});

test('VIEW-CHANGEs whose P and Q do not fit are refused', () => {
  const a = batch(1, 1, 100);
  const bad = (v: Partial<ViewChange>): string | null => checkViewChange(ctx, { ...vc(1, [a], [q(a)]), ...v }, 1);
  assert.equal(bad({}), null);
  assert.equal(bad({ replica: 2 }), 'replica-mismatch');
  assert.equal(bad({ prepared: [{ ...a, view: NEW_VIEW }], prePrepared: [q(a, NEW_VIEW)] }), 'prepared-view-too-high');
  assert.equal(bad({ prepared: [{ ...a, timeMs: 101 }] }), 'prepared-digest-mismatch');
  assert.equal(bad({ prepared: [a, a] }), 'prepared-duplicate-seq');
  assert.equal(bad({ prepared: [batch(9, 1, 100)], prePrepared: [q(batch(9, 1, 100))] }), 'prepared-outside-window');
  assert.equal(bad({ prePrepared: [] }), 'prepared-not-pre-prepared');
  assert.equal(bad({ prePrepared: [q(a, 0)] }), 'prepared-not-pre-prepared', 'pre-prepared only in an earlier view');
  assert.equal(bad({ prePrepared: [q(a), q(a)] }), 'pre-prepared-duplicate');
  const many = [100, 101, 102, 103, 104].map((t) => q(batch(1, 1, t)));
  assert.equal(bad({ prePrepared: many }), 'pre-prepared-too-many');
  assert.equal(bad({ prePrepared: [q(a), q(batch(1, 1, 200), NEW_VIEW)] }), 'pre-prepared-view-too-high');
});
