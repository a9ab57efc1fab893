// The checkers have teeth: deliberately broken replicas and clients make the
// simulator report a safety violation (with its seed) within a bounded search.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFailure, runSeed, type SeedResult } from '../../src/sim/simulation.js';
import { FAULT_KINDS, type SimOptions } from '../../src/sim/scenario.js';

const SEARCH_SEEDS_MAX = 150;

/** The first seed from `first` whose run breaks a safety checker (liveness may legitimately fail too). */
function findUnsafe(opts: Omit<SimOptions, 'seed'>, first: number): SeedResult | undefined {
  for (let seed = first; seed < first + SEARCH_SEEDS_MAX; seed++) {
    // A broken replica may also stall; a short liveness window keeps the search quick.
    const r = runSeed({ ...opts, seed, livenessBoundMs: 5000 });
    if (r.violations.some((v) => v.checker !== 'liveness')) return r;
  }
  return undefined;
}

function expectCaught(name: string, opts: Omit<SimOptions, 'seed'>, first: number): void {
  const r = findUnsafe(opts, first);
  assert.ok(r !== undefined, `${name}: no violation in seeds ${first}..${first + SEARCH_SEEDS_MAX - 1}`);
  const safety = r.violations.filter((v) => v.checker !== 'liveness');
  assert.ok(safety.length > 0);
  assert.match(formatFailure(r), new RegExp(`^seed ${r.seed} FAILED`));
  assert.ok(r.trace.length > 0, 'a failing run carries its trace');
  // Reproducible from the seed alone.
  assert.deepEqual(runSeed({ ...opts, seed: r.seed, livenessBoundMs: 5000 }).violations, r.violations);
  // The control: the same seed with correct replicas and clients is safe, so the break is the mutation's.
  const control = runSeed({ ...opts, seed: r.seed, mutations: undefined, weakClients: false, livenessBoundMs: 5000 });
  assert.deepEqual(control.violations.filter((v) => v.checker !== 'liveness'), [], formatFailure(control));
  console.log(`# ${name}: seed ${r.seed}: [${safety[0].checker}] ${safety[0].message}`);
}

const faults = FAULT_KINDS;

test('commitQuorum (commit on f+1) is caught with a replica that forgets what it prepared', () => {
  // With n = 4 and honest prepares, f+1 committers lose their batch only if the other correct replicas
  // never prepared it and the committer misses the view change: a lossy network makes that common.
  expectCaught('commitQuorum', {
    f: 1, byzantine: 'forget-prepared', faults: ['drop'], network: { dropRate: 0.6 }, mutations: { commitQuorum: true },
  }, 1);
});

test('prepareQuorum (prepared on f prepares) is caught with an equivocating primary', () => {
  // f = 2: with f = 1 the only faulty replica is the equivocating primary, and
  // one correct backup alone cannot make a second digest prepare at a seq; the
  // view change's A1 then still picks the committed one.
  expectCaught('prepareQuorum', { f: 2, byzantine: 'equivocate', faults, mutations: { prepareQuorum: true } }, 1);
});

test('skipPrePreparedCheck (no f+1 pre-prepared claims, A2) is caught with a replica that lies in its VIEW-CHANGEs', () => {
  expectCaught('skipPrePreparedCheck', { f: 1, byzantine: 'lie-prepared', faults, mutations: { skipPrePreparedCheck: true } }, 1);
});

test('ignorePreparedInViewChange is caught', () => {
  expectCaught('ignorePreparedInViewChange', { f: 1, byzantine: 'none', faults, mutations: { ignorePreparedInViewChange: true } }, 1);
});

test('a client that accepts f matching replies is caught with a replica that corrupts replies', () => {
  expectCaught('weakReplyQuorum', { f: 1, byzantine: 'corrupt-replies', faults, weakClients: true }, 1);
});
