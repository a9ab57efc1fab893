// State transfer in the simulator: replicas that restart empty or are cut off
// for thousands of sequence numbers catch up from a certified checkpoint while
// the others keep serving; every seed's checkers stay clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFailure, runSeed, Simulation } from '../../src/sim/simulation.js';
import type { Scenario } from '../../src/sim/scenario.js';

test('crash with state loss joins the fault mix: seeds run clean and some replicas catch up by state transfer', () => {
  let transfers = 0;
  let lossy = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const r = runSeed({ seed, f: 1, byzantine: 'all', faults: ['crash', 'drop', 'delay', 'partition'] });
    assert.equal(r.violations.length, 0, formatFailure(r));
    if (r.scenario.includes('state-loss')) lossy++;
    transfers += r.stats.stateTransfers;
  }
  assert.ok(lossy > 0, 'some seeds drew a crash with state loss');
  assert.ok(transfers > 0, 'some replica caught up by state transfer');
});

/** One replica (3) cut off from t=200 ms until `untilMs`, a long workload, no other fault. */
function cutOff(untilMs: number, opsPerClient: number) {
  return (s: Scenario): void => {
    s.byzantine.clear();
    s.faults = new Set(['partition']);
    s.network = { baseDelayMs: 1, jitterMs: 1, dropRate: 0, dupRate: 0, slowRate: 0, slowDelayMsMax: 0 };
    s.partitions = [{ atMs: 200, durationMs: untilMs - 200, side: [3] }];
    s.crashes = [];
    s.clients = [1000, 1001, 1002, 1003];
    s.opsPerClient = opsPerClient;
    s.checkpointInterval = 8;
    s.healMs = 35_000;
  };
}

test('a replica cut off for thousands of sequence numbers catches up by state transfer while the rest keep serving', () => {
  const sim = new Simulation({ seed: 7, f: 1, byzantine: 'none', faults: ['partition'], adjustScenario: cutOff(30_000, 1500) });
  const r = sim.run();
  assert.equal(r.violations.length, 0, formatFailure(r));
  assert.equal(r.stats.opsCompleted, r.stats.opsTotal);
  const status = sim.replicaStatus();
  const cutOffReplica = status[3];
  const others = status.slice(0, 3);
  assert.ok(r.stats.stateTransfers >= 1, 'replica 3 installed a checkpoint');
  assert.ok(cutOffReplica.lastExecuted >= Math.min(...others.map((s) => s.lastExecuted)) - 16,
    `replica 3 caught up: ${cutOffReplica.lastExecuted} vs ${others.map((s) => s.lastExecuted).join(',')}`);
  const gaps = sim.transfers.filter((t) => t.replica === 3).map((t) => t.toSeq - t.fromSeq);
  assert.ok(Math.max(...gaps) >= 1000, `one transfer bridged thousands of seqs: gaps ${gaps.join(',')}`);
});
