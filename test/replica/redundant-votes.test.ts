// The transport may skip (never verify, never deliver) PREPAREs that
// redundantVotes calls redundant. Skipping must be invisible to the outcome:
// same batches executed everywhere, every request done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from '../pbft/helpers/cluster.js';
import { redundantVotes } from '../../src/replica/redundant-votes.js';
import type { Input, ProtocolMessage } from '../../src/pbft/types.js';

/** A cluster whose replicas skip what redundantVotes names, as the transport does; counts the skips. */
function skippingCluster(): { c: Cluster; skipped: number[] } {
  const c = new Cluster();
  const skipped = [0, 0, 0, 0];
  const checks = c.replicas.map((r) => redundantVotes(r));
  const input = c.input.bind(c);
  c.input = (to: number, i: Input) => {
    if (i.type === 'protocol' && checks[to](i.msg)) {
      skipped[to]++;
      return [];
    }
    return input(to, i);
  };
  return { c, skipped };
}

test('redundant PREPAREs skipped: every write completes and all replicas execute the same batches', () => {
  const { c, skipped } = skippingCluster();
  const alice = c.client(1000);
  const bob = c.client(1001);
  for (let k = 0; k < 20; k++) {
    alice.submit(`set a${k} ${k}`);
    bob.submit(`append b ${k}`);
    c.run();
  }
  assert.equal(alice.done.length, 20);
  assert.equal(bob.done.length, 20);
  const reference = [...c.executedDigests(0)];
  assert.ok(reference.length > 0);
  for (let i = 1; i < 4; i++) assert.deepEqual([...c.executedDigests(i)], reference);
  for (let i = 0; i < 4; i++) assert.deepEqual(c.sms[i].state, c.sms[0].state);
  assert.ok(skipped.every((n) => n > 0), `every replica skipped some: ${skipped.join(' ')}`);
  // Each prepared entry still holds the 2f verified PREPAREs it was prepared with.
  for (const r of c.replicas) {
    for (const e of r.log.values()) {
      if (e.prepared) assert.ok([...e.prepares].filter(([id, v]) => id !== e.view % 4 && v.digestHex === e.digestHex).length >= r.q.prepares);
    }
  }
});

test('redundantVotes: only a matching PREPARE for a prepared, uncommitted entry from a replica we hold none from', () => {
  const c = new Cluster();
  c.client(1000).submit('set a 1');
  // No COMMITs anywhere (prepared, not committed) and replica 3's PREPARE never reaches replica 1.
  c.filter = (p) => !(p.input.type === 'protocol' && (p.input.msg.type === 'commit' || (p.input.msg.type === 'prepare' && p.from === 3 && p.to === 1)));
  c.run();
  const r = c.replicas[1];
  const e = r.log.get(1);
  assert.ok(e?.prepared && !e.committed && e.prePrepare);
  const check = redundantVotes(r);
  const digest = e.prePrepare.digest;
  const prepare = (replica: number, d = digest, seq = 1, view = 0): ProtocolMessage => ({ type: 'prepare', prepare: { view, seq, digest: d, replica } });
  assert.deepEqual([...e.prepares.keys()].sort(), [1, 2]);
  assert.equal(check(prepare(3)), true, 'a further matching PREPARE');
  for (const id of [1, 2]) assert.equal(check(prepare(id)), false, `a second PREPARE from ${id} (duplicate: the core acts on it)`);
  const other = digest.slice(); other[0] ^= 1;
  assert.equal(check(prepare(3, other)), false, 'another digest');
  assert.equal(check(prepare(3, digest, 2)), false, 'an entry we do not have');
  assert.equal(check(prepare(3, digest, 1, 1)), false, 'another view');
  assert.equal(check({ type: 'commit', commit: { view: 0, seq: 1, digest, replica: 3 } }), false, 'only PREPAREs');
  e.committed = true;
  assert.equal(check(prepare(3)), false, 'committed: delivered again (a lagging replica retransmits)');
});
