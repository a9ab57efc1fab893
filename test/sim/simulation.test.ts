// The simulator against the real PBFT core: many seeds across every Byzantine
// behaviour and network fault, zero violations; and a run is a pure function of
// its seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFailure, runSeed, type SeedResult } from '../../src/sim/simulation.js';
import { ALL_BEHAVIOURS, FAULT_KINDS, type SimOptions } from '../../src/sim/scenario.js';

const SEEDS_PER_BEHAVIOUR = 17;

function base(seed: number): SimOptions {
  return { seed, f: 1, byzantine: 'all', faults: FAULT_KINDS };
}

test('a run is a pure function of its seed', () => {
  for (const seed of [3, 4]) {
    const a = runSeed({ ...base(seed), traceLength: 20 });
    const b = runSeed({ ...base(seed), traceLength: 20 });
    assert.deepEqual(b, a);
    assert.ok(a.stats.opsCompleted > 0, 'the run did some work');
  }
  assert.notDeepEqual(runSeed(base(3)).stats, runSeed(base(4)).stats);
});

test(`every Byzantine behaviour and network fault: ${SEEDS_PER_BEHAVIOUR * (ALL_BEHAVIOURS.length + 2)} seeds, zero violations`, () => {
  const runs: SeedResult[] = [];
  let seed = 1000;
  for (const byzantine of [...ALL_BEHAVIOURS, 'none', 'all'] as const) {
    for (let i = 0; i < SEEDS_PER_BEHAVIOUR; i++) runs.push(runSeed({ ...base(seed++), byzantine }));
  }
  const failed = runs.filter((r) => r.violations.length > 0);
  assert.equal(failed.length, 0, failed.slice(0, 3).map(formatFailure).join('\n\n'));
  // The sweep really covered what it claims, and did real work.
  const scenarios = runs.map((r) => r.scenario).join('\n');
  for (const b of ALL_BEHAVIOURS) assert.match(scenarios, new RegExp(`\\d:${b}\\b`), `behaviour ${b} never drawn`);
  for (const f of FAULT_KINDS) assert.match(scenarios, new RegExp(`faults=[a-z,]*\\b${f}\\b`), `fault ${f} never drawn`);
  assert.match(scenarios, /tentative=true/);
  assert.match(scenarios, /tentative=false/);
  const completed = runs.reduce((n, r) => n + r.stats.opsCompleted, 0);
  const total = runs.reduce((n, r) => n + r.stats.opsTotal, 0);
  assert.equal(completed, total, 'every op completed');
  assert.ok(runs.filter((r) => r.stats.checkpoints > 0).length > runs.length / 2, 'checkpoints were taken');
});
