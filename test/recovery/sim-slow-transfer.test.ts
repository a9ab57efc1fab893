// A replica that restarts empty and spends longer fetching state than the
// view-change timeout, while clients retransmit to every replica: it must not
// suspect the primary for its own lag. (Issue #6: on a loaded machine such a
// replica went alone into view 1, and a replica alone in a higher view never
// comes back, so the group silently lost its fault tolerance.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFailure, Simulation } from '../../src/sim/simulation.js';
import type { Scenario } from '../../src/sim/scenario.js';

function slowTransfer(seedOffsetMs: number) {
  return (s: Scenario): void => {
    s.byzantine.clear();
    s.faults = new Set(['crash', 'delay']);
    // Some replies arrive late, so clients time out and retransmit to all replicas.
    s.network = { baseDelayMs: 1, jitterMs: 2, dropRate: 0, dupRate: 0, slowRate: 0.05, slowDelayMsMax: 400 };
    s.partitions = [];
    s.crashes = [{ atMs: 200, durationMs: 30_000 + seedOffsetMs, replica: 3, loseState: true }];
    s.clients = [1000, 1001, 1002, 1003];
    s.opsPerClient = 400;
    // Beyond its window (2K) after the crash, so it must fetch state; one checkpoint
    // every few seconds, so the target stays put while the fetch runs.
    s.checkpointInterval = 128;
    s.healMs = 80_000;
    s.stateFetchMs = 3_000;   // > viewChangeTimeoutTicks (200) x 10 ms
  };
}

test('a replica slow to fetch state does not leave the group\'s view: all end in one view, none view-changing', () => {
  let transfers = 0;
  for (let seed = 1; seed <= 6; seed++) {
    const sim = new Simulation({ seed, f: 1, byzantine: 'none', faults: ['crash', 'delay'], adjustScenario: slowTransfer(seed * 100) });
    const r = sim.run();
    assert.equal(r.violations.length, 0, formatFailure(r));
    assert.equal(r.stats.opsCompleted, r.stats.opsTotal, `seed ${seed}: every op completed`);
    transfers += sim.transfers.filter((t) => t.replica === 3).length;
    const status = sim.replicaStatus();
    const views = status.map((st) => `${st.view}${st.viewChanging ? ' (changing)' : ''}`);
    assert.ok(status.every((st) => st.view === status[0].view && !st.viewChanging), `seed ${seed}: replicas in one view: ${views.join(', ')}`);
  }
  assert.ok(transfers > 0, 'replica 3 caught up by state transfer in some seeds');
});
