import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from './helpers/cluster.js';
import { bytes } from './helpers/kv-machine.js';

test('tentative execution: replies are tentative once prepared, the client needs 2f+1 of them', () => {
  const c = new Cluster({ config: { tentativeExecution: true } });
  const alice = c.client(1000);
  // No commits at all: only tentative replies can complete the request.
  c.filter = (p) => !(p.input.type === 'protocol' && p.input.msg.type === 'commit');
  alice.submit('set t 1');
  c.run();
  assert.deepEqual(alice.done.map((d) => d.result), ['OK']);
  const tentative = c.replies.filter((r) => r.tentative);
  assert.equal(tentative.length, 4, 'every replica prepared and executed tentatively');
  for (let i = 1; i < 4; i++) {
    assert.equal(c.sms[i].state.get('t'), '1');
    assert.equal(c.replicas[i].status().lastExecuted, 1);
    assert.equal(c.replicas[i].status().lastCommitted, 0);
  }
  c.filter = () => true;
  c.tick(10);
  for (let i = 0; i < 4; i++) assert.equal(c.replicas[i].status().lastCommitted, 1);
});

test('tentative execution: a view change that does not carry the batch rolls it back', () => {
  const c = new Cluster({ config: { tentativeExecution: true } });
  const alice = c.client(1000);
  // Only replica 3 collects the prepares it needs; nobody commits in view 0.
  c.filter = (p) => {
    if (p.input.type !== 'protocol') return true;
    const m = p.input.msg;
    if (m.type === 'prepare') return p.to === 3;
    return !(m.type === 'commit' && m.commit.view === 0);
  };
  alice.submit('set t 1');
  c.run();
  assert.equal(c.sms[3].state.get('t'), '1', 'tentatively executed at replica 3');
  assert.equal(c.replicas[3].status().lastExecuted, 1);
  // View 1 (primary 1) is formed from replicas 1, 0 and 2: none of them prepared the batch.
  c.filter = (p) => {
    if (p.input.type !== 'protocol') return true;
    const m = p.input.msg;
    if (m.type === 'prepare' && m.prepare.view === 0) return p.to === 3;
    if (m.type === 'commit' && m.commit.view === 0) return false;
    return !(m.type === 'viewChange' && p.from === 3);
  };
  c.tickUntil(() => alice.done.length === 1, 1000);
  assert.ok(c.events.some((e) => e.replica === 3 && e.event === 'rolled-back'));
  for (let i = 0; i < 4; i++) {
    assert.equal(c.replicas[i].status().view, 1);
    assert.equal(c.sms[i].state.get('t'), '1');
  }
  assert.equal(c.sms[3].executed.length, 1, 'the rolled-back execution was undone, then redone once');
});

test('read-only: executed at once on committed state, never ordered, 2f+1 matching replies', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  alice.submit('set r 42');
  c.run();
  const executedBefore = c.sms.map((s) => s.executed.length);
  alice.submit('get r', true);
  c.run();
  assert.deepEqual(alice.done.map((d) => d.result), ['OK', '42']);
  assert.deepEqual(c.sms.map((s) => s.executed.length), executedBefore, 'read-only requests are not ordered');
  const last = c.replies.filter((r) => r.timestamp === 2);
  assert.deepEqual(last.map((r) => r.replica).sort(), [1, 2, 3], 'asked of the 2f+1 backups, not the primary');
  assert.ok(last.every((r) => !r.tentative));
});

test('read-only: waits behind an outstanding tentative batch', () => {
  const c = new Cluster({ config: { tentativeExecution: true } });
  c.filter = (p) => !(p.input.type === 'protocol' && p.input.msg.type === 'commit');
  const alice = c.client(1000);
  alice.submit('set q 1');
  c.run();
  const auth = alice.auth.sealRequest({ client: 1001, timestamp: 1, op: bytes('get q'), readOnly: true, replier: -1 });
  const outs = c.input(2, { type: 'request', auth, request: c.auths[2].openRequest(auth)! });
  assert.equal(outs.filter((o) => o.type === 'reply').length, 0, 'queued behind the tentative batch');
  c.filter = () => true;
  c.tick(10);
  const late = c.replies.filter((r) => r.client === 1001 && r.replica === 2);
  assert.equal(late.length, 1);
  assert.equal(new TextDecoder().decode(late[0].result), '1');
});

test('read-only: conflicting replies make the client retry through the ordered path', () => {
  const c = new Cluster({ options: { 1: { byzantine: 'corrupt-replies' } } });
  const alice = c.client(1000);
  alice.submit('set r 7');
  c.run();
  c.down.add(2);
  alice.submit('get r', true);
  c.tickUntil(() => alice.done.length === 2, 500);
  assert.equal(alice.done[1].result, '7');
});

test('read-only: deferred while a write seen ordered is not executed yet, bounded in time', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  c.filter = (p) => !(p.to === 3 && p.input.type === 'protocol' && p.input.msg.type === 'commit');
  alice.submit('set r 1');
  c.run();
  assert.equal(c.replicas[3].status().lastExecuted, 0);
  const read = alice.auth.sealRequest({ client: 1001, timestamp: 1, op: bytes('get r'), readOnly: true, replier: -1 });
  const outs = c.input(3, { type: 'request', auth: read, request: c.auths[3].openRequest(read)! });
  assert.equal(outs.filter((o) => o.type === 'reply').length, 0, 'deferred: seq 1 is pre-prepared here');
  c.filter = () => true;
  c.tick(10);
  const late = c.replies.filter((r) => r.client === 1001 && r.replica === 3);
  assert.equal(late.length, 1);
  assert.equal(new TextDecoder().decode(late[0].result), '1', 'answered after executing the write');
  // Bounded: a replica that stays behind answers anyway after a few ticks.
  c.filter = (p) => !(p.to === 3 && p.input.type === 'protocol' && p.input.msg.type === 'commit');
  alice.submit('set r 2');
  c.run();
  const read2 = alice.auth.sealRequest({ client: 1001, timestamp: 2, op: bytes('get r'), readOnly: true, replier: -1 });
  c.input(3, { type: 'request', auth: read2, request: c.auths[3].openRequest(read2)! });
  c.tick(6);
  assert.equal(c.replies.filter((r) => r.client === 1001 && r.replica === 3 && r.timestamp === 2).length, 1);
});
