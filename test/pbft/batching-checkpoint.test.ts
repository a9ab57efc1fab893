import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from './helpers/cluster.js';

function executedSizes(c: Cluster, replica: number): number[] {
  return c.events.filter((e) => e.replica === replica && e.event === 'executed').map((e) => Number(e.fields.requests));
}

test('batching: requests that arrive while a batch is in flight go into the next batch, bounded in size', () => {
  const c = new Cluster({ config: { inFlightBatchesMax: 1, batchRequestsMax: 4 } });
  const clients = [...Array(10).keys()].map((k) => c.client(2000 + k));
  // Everything reaches the primary before any protocol message moves.
  for (const cl of clients) cl.submit(`set k${cl.id} v`);
  c.run();
  assert.deepEqual(executedSizes(c, 1), [1, 4, 4, 1]);
  assert.ok(clients.every((cl) => cl.done.length === 1));
});

test('batching: the byte bound cuts a batch early', () => {
  const c = new Cluster({ config: { inFlightBatchesMax: 1, batchRequestsMax: 100, batchBytesMax: 250 } });
  const clients = [...Array(6).keys()].map((k) => c.client(2000 + k));
  for (const cl of clients) cl.submit(`set k${cl.id} ${'v'.repeat(40)}`);
  c.run();
  const sizes = executedSizes(c, 2);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 6);
  assert.ok(sizes.every((s) => s <= 2), `batches ${sizes}`);
});

test('checkpoints: stable at 2f+1 matching, log garbage-collected, watermarks advance', () => {
  const c = new Cluster({ config: { checkpointInterval: 4 } });
  const alice = c.client(1000);
  for (let k = 0; k < 18; k++) { alice.submit(`set k${k} ${k}`); c.run(); }
  assert.equal(alice.done.length, 18);
  for (let i = 0; i < 4; i++) {
    const s = c.replicas[i].status();
    assert.equal(s.lastExecuted, 18);
    assert.equal(s.stableSeq, 16);
    assert.deepEqual(s.stableDigest, c.replicas[0].status().stableDigest);
    assert.ok(c.replicas[i].log.size <= 4 + 2, `log holds ${c.replicas[i].log.size} entries`);
  }
});

test('checkpoints: the window stops the primary at h + 2K until a checkpoint is stable', () => {
  const c = new Cluster({ config: { checkpointInterval: 2, inFlightBatchesMax: 100, batchRequestsMax: 1 } });
  // Replica 3 is down and replica 2 never sees checkpoints: no stable checkpoint can form.
  c.down.add(3);
  c.filter = (p) => !(p.input.type === 'protocol' && p.input.msg.type === 'checkpoint');
  const clients = [...Array(8).keys()].map((k) => c.client(2000 + k));
  for (const cl of clients) cl.submit('set a b');
  c.run();
  assert.equal(c.replicas[0].status().lastExecuted, 4, 'h=0, H=4');
  c.filter = () => true;
  c.tick(30);
  assert.equal(c.replicas[0].status().stableSeq >= 4, true);
  assert.equal(c.replicas[0].status().lastExecuted, 8);
});

test('a wrong checkpoint digest from one replica does not block a stable checkpoint', () => {
  const c = new Cluster({ config: { checkpointInterval: 2 }, options: { 3: { byzantine: 'bad-checkpoint' } } });
  const alice = c.client(1000);
  for (let k = 0; k < 4; k++) { alice.submit(`set k${k} ${k}`); c.run(); }
  for (let i = 0; i < 3; i++) assert.equal(c.replicas[i].status().stableSeq, 4);
});

test('a replica that fell one interval behind is helped to catch up from the retained log', () => {
  const c = new Cluster({ config: { checkpointInterval: 4 } });
  const alice = c.client(1000);
  for (let k = 0; k < 4; k++) { alice.submit(`set k${k} ${k}`); c.run(); }
  // Replica 3 hears nothing about seqs 5..8 (but stays in the view).
  c.filter = (p) => !(p.to === 3 && p.input.type === 'protocol');
  for (let k = 4; k < 8; k++) { alice.submit(`set k${k} ${k}`); c.run(); }
  assert.equal(c.replicas[0].status().stableSeq, 8);
  assert.equal(c.replicas[3].status().lastExecuted, 4);
  c.filter = () => true;
  c.tickUntil(() => c.replicas[3].status().lastExecuted === 8, 200);
  assert.equal(c.sms[3].state.get('k7'), '7');
  assert.equal(c.replicas[3].status().stableSeq, 8);
});

test('after a state transfer the reply cache comes from the state: no re-execution of old requests', () => {
  const c = new Cluster({ config: { checkpointInterval: 2 } });
  const alice = c.client(1000);
  const fetches: { seq: number }[] = [];
  c.onStep = (replica, _input, outs) => {
    for (const o of outs) if (replica === 3 && o.type === 'fetchState') fetches.push({ seq: o.seq });
  };
  c.down.add(3);
  for (let k = 0; k < 10; k++) { alice.submit(`append x ${k}`); c.run(); }
  c.down.delete(3);
  c.tickUntil(() => fetches.length > 0, 300);
  const seq = fetches[fetches.length - 1].seq;
  c.sms[3].installFrom(c.sms[0]);
  c.input(3, { type: 'stateTransferred', seq, digest: c.sms[3].digest() });
  assert.equal(c.replicas[3].status().lastExecuted, seq);
  // Alice's first request (long executed) arrives again at replica 3: cached reply, no execution.
  const executedBefore = c.sms[3].executed.length;
  const first = alice.auth.sealRequest({ client: 1000, timestamp: 1, op: new TextEncoder().encode('append x 0'), readOnly: false, replier: -1 });
  const outs = c.input(3, { type: 'request', auth: first, request: c.auths[3].openRequest(first)! });
  assert.equal(c.sms[3].executed.length, executedBefore);
  assert.equal(outs.filter((o) => o.type === 'reply').length, 0, 'older than the cached timestamp: dropped');
  alice.submit('append x Z');
  c.tickUntil(() => alice.done.length === 11, 300);
  assert.equal(c.sms[3].state.get('x'), c.sms[0].state.get('x'));
});
