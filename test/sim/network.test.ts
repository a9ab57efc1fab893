import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from '../../src/sim/network.js';
import { Prng } from '../../src/sim/prng.js';

const params = { baseDelayMs: 2, jitterMs: 10, dropRate: 0.2, dupRate: 0.1, slowRate: 0.1, slowDelayMsMax: 500 };

test('faults drop, duplicate and delay; heal makes the network reliable and quick', () => {
  const net = new Network(new Prng(1), params);
  let lost = 0;
  let dup = 0;
  let slow = 0;
  for (let i = 0; i < 2000; i++) {
    const d = net.plan(0, 1);
    if (d.length === 0) lost++;
    if (d.length === 2) dup++;
    if (d.some((x) => x > 20)) slow++;
  }
  assert.ok(lost > 300 && dup > 100 && slow > 100, `${lost} ${dup} ${slow}`);
  net.heal();
  for (let i = 0; i < 500; i++) {
    const d = net.plan(0, 1);
    assert.equal(d.length, 1);
    assert.ok(d[0] <= 3);
  }
});

test('partitions cut crossing links only, and heal', () => {
  const net = new Network(new Prng(1), { ...params, dropRate: 0, dupRate: 0 });
  net.partition(0, [0, 1000]);
  assert.equal(net.canReach(0, 1000), true);
  assert.equal(net.canReach(0, 1), false);
  assert.equal(net.canReach(2, 1000), false);
  assert.equal(net.canReach(2, 3), true);
  assert.deepEqual(net.plan(0, 1), []);
  net.unpartition(0);
  assert.equal(net.canReach(0, 1), true);
});

test('crashed nodes neither send nor receive until restarted; no new faults after heal', () => {
  const net = new Network(new Prng(1), params);
  net.crash(2);
  assert.equal(net.canReach(2, 1), false);
  assert.equal(net.canReach(1, 2), false);
  net.restart(2);
  assert.equal(net.canReach(1, 2), true);
  net.heal();
  net.crash(1);
  net.partition(1, [3]);
  assert.equal(net.isCrashed(1), false);
  assert.equal(net.canReach(3, 0), true);
});
