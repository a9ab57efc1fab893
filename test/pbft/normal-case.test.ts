import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from './helpers/cluster.js';
import { quorumsFor } from '../../src/pbft/quorums.js';

test('quorums: n=4 and n=7 intersect in f+1', () => {
  assert.deepEqual(quorumsFor(4), { n: 4, f: 1, quorum: 3, weak: 2, prepares: 2 });
  assert.deepEqual(quorumsFor(7), { n: 7, f: 2, quorum: 5, weak: 3, prepares: 4 });
  assert.equal(quorumsFor(1).f, 0);
});

test('normal case: a write is ordered, executed once everywhere, and the client gets f+1 replies', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  alice.submit('set a 1');
  c.run();
  assert.deepEqual(alice.done.map((d) => d.result), ['OK']);
  for (let i = 0; i < 4; i++) {
    assert.equal(c.replicas[i].status().lastExecuted, 1);
    assert.equal(c.sms[i].state.get('a'), '1');
  }
  const digests = new Set([0, 1, 2, 3].map((i) => c.executedDigests(i).get(1)));
  assert.equal(digests.size, 1);
});

test('normal case: agreed time comes from the pre-prepare and never goes backwards', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  for (let k = 0; k < 5; k++) { alice.submit(`set k${k} v`); c.run(); }
  assert.equal(alice.done.length, 5);
  const times = c.sms[1].executed.map((e) => e.timeMs);
  for (let k = 1; k < times.length; k++) assert.ok(times[k] > times[k - 1]);
  for (let i = 1; i < 4; i++) assert.deepEqual(c.sms[i].executed.map((e) => e.timeMs), times);
});

test('exactly once: a retransmitted request gets the cached reply, an older one is ignored', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  alice.submit('append x a');
  c.run();
  const replayed = alice.auth.sealRequest({ client: 1000, timestamp: 1, op: new TextEncoder().encode('append x a'), readOnly: false, replier: -1 });
  const before = c.replies.length;
  for (let i = 0; i < 4; i++) c.enqueueRequest(-1, i, replayed);
  c.run();
  assert.equal(c.replies.length - before, 4, 'each replica re-sends its cached reply');
  assert.ok(c.replies.slice(before).every((r) => r.full && new TextDecoder().decode(r.result) === 'a'));
  for (let i = 0; i < 4; i++) assert.equal(c.sms[i].state.get('x'), 'a');
  alice.submit('append x b');
  c.run();
  const old = alice.auth.sealRequest({ client: 1000, timestamp: 1, op: new TextEncoder().encode('append x zzz'), readOnly: false, replier: -1 });
  for (let i = 0; i < 4; i++) c.enqueueRequest(-1, i, old);
  c.run();
  for (let i = 0; i < 4; i++) assert.equal(c.sms[i].state.get('x'), 'ab');
  assert.ok(c.dropped(0, 'stale-timestamp').length > 0);
});

test('digest replies: only the designated replier sends a large result in full', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  alice.submit('big 200');
  c.run();
  assert.equal(alice.done[0].result.length, 200);
  const rs = c.replies.filter((r) => r.client === 1000);
  assert.equal(rs.filter((r) => r.full).length, 1);
  assert.equal(rs.find((r) => r.full)?.replica, 0);
});

test('a backup forwards a request it receives to the primary', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  const auth = alice.auth.sealRequest({ client: 1000, timestamp: 5, op: new TextEncoder().encode('set f 1'), readOnly: false, replier: -1 });
  const outs = c.input(2, { type: 'request', auth, request: c.auths[2].openRequest(auth)! });
  assert.deepEqual(outs.map((o) => o.type), ['forward']);
  c.run();
  for (let i = 0; i < 4; i++) assert.equal(c.sms[i].state.get('f'), '1');
});
