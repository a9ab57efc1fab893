// The core's restore entry (issue #6, `--durability fsync`): a fresh replica
// fed the committed batches another run logged reaches the same state, reply
// cache and seq, then takes part in the group again; a batch that does not
// verify ends the replay there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from '../pbft/helpers/cluster.js';
import { FakeAuth } from '../pbft/helpers/fake-auth.js';
import { KvMachine } from '../pbft/helpers/kv-machine.js';
import { Replica, defaultReplicaConfig } from '../../src/pbft/replica.js';
import type { Signed } from '../../src/pbft/types.js';

/** What the WAL holds for seqs 1..upTo of replica `id`: votes, then the pre-prepare. */
function loggedBatches(c: Cluster, id: number, upTo: number): Signed[][] {
  const out: Signed[][] = [];
  for (let seq = 1; seq <= upTo; seq++) {
    const e = c.replicas[id].log.get(seq);
    assert.ok(e?.committed && e.prePrepareSigned, `seq ${seq} committed at replica ${id}`);
    out.push([...[...e.prepares.values()].map((v) => v.signed), ...[...e.commits.values()].map((v) => v.signed), e.prePrepareSigned]);
  }
  return out;
}

function freshReplica(id: number): { replica: Replica; sm: KvMachine } {
  const sm = new KvMachine();
  const config = { ...defaultReplicaConfig(id, 4), viewChangeTimeoutTicks: 20 };
  return { replica: new Replica(config, new FakeAuth(id), sm), sm };
}

test('restore: replaying logged batches reproduces the state and seq, and the replica rejoins', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  for (let k = 0; k < 6; k++) { alice.submit(`append k${k % 3} v${k}`); c.run(); }
  const upTo = c.replicas[2].status().lastExecuted;
  assert.ok(upTo >= 6);
  const { replica, sm } = freshReplica(2);
  const outs = replica.restore({ seq: 0, digest: sm.digest(), proof: [], view: 0, batches: loggedBatches(c, 2, upTo) });
  assert.equal(replica.status().lastExecuted, upTo);
  assert.deepEqual(sm.state, c.sms[2].state);
  assert.deepEqual(sm.digest(), c.sms[2].digest());
  assert.ok(outs.some((o) => o.type === 'reply'), 'replay re-sends the replies');
  // Swap the restored replica in: the group goes on with it.
  c.replicas[2] = replica;
  c.sms[2] = sm;
  c.input(2, { type: 'tick', nowMs: c.nowMs });
  for (let k = 6; k < 9; k++) { alice.submit(`append k${k % 3} v${k}`); c.run(); }
  assert.equal(alice.done.length, 9);
  for (let i = 0; i < 4; i++) assert.deepEqual(c.sms[i].state, c.sms[0].state, `replica ${i}`);
  assert.equal(replica.status().lastExecuted, c.replicas[0].status().lastExecuted);
});

test('restore: replay stops at a batch without its commit quorum or out of order', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  for (let k = 0; k < 4; k++) { alice.submit(`set k${k} v`); c.run(); }
  const batches = loggedBatches(c, 1, 4);
  const auth = new FakeAuth(1);
  // Seq 3 keeps only its pre-prepare and prepares: not a committed batch.
  batches[2] = batches[2].filter((s) => auth.open(s)?.type !== 'commit');
  const a = freshReplica(1);
  a.replica.restore({ seq: 0, digest: a.sm.digest(), proof: [], view: 0, batches });
  assert.equal(a.replica.status().lastExecuted, 2);
  assert.deepEqual([...a.sm.state.keys()], ['k0', 'k1']);
  const b = freshReplica(1);
  b.replica.restore({ seq: 0, digest: b.sm.digest(), proof: [], view: 0, batches: [batches[1], batches[0]] });
  assert.equal(b.replica.status().lastExecuted, 0);
});

test('restore: a state machine that does not hold the checkpoint is a broken invariant', () => {
  const { replica } = freshReplica(0);
  assert.throws(() => replica.restore({ seq: 128, digest: new Uint8Array(32), proof: [], view: 0, batches: [] }), /does not match/);
});
