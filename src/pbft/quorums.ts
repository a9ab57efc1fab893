// Quorum sizes, derived in one place (DESIGN.md §3). n = 3f+1 (extra replicas
// beyond 3f+1 add no tolerance, so f = floor((n-1)/3)).
import { assert } from './assert.js';

export interface Quorums {
  n: number;
  f: number;
  /** 2f+1: prepared+commit certificates, stable checkpoints, VIEW-CHANGE sets, tentative/read-only replies. */
  quorum: number;
  /** f+1: at least one correct replica (client replies, joining a view change). */
  weak: number;
  /** 2f: prepares from others needed (with the pre-prepare) to be prepared. */
  prepares: number;
}

export function quorumsFor(n: number): Quorums {
  assert(Number.isInteger(n) && n >= 1, `replica count must be a positive integer, got ${n}`);
  const f = Math.floor((n - 1) / 3);
  const q: Quorums = { n, f, quorum: 2 * f + 1, weak: f + 1, prepares: 2 * f };
  // Two quorums intersect in at least f+1 replicas, so in one correct one.
  assert(2 * q.quorum - n >= q.weak, `quorums of ${q.quorum} out of ${n} do not intersect in f+1`);
  assert(q.quorum <= n, 'quorum larger than the group');
  return q;
}

export function primaryOf(view: number, n: number): number {
  return view % n;
}
