import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from './helpers/cluster.js';
import { BYZANTINE_BEHAVIOURS } from '../../src/pbft/replica.js';
import type { ByzantineBehaviour } from '../../src/pbft/replica.js';
import { bytes } from './helpers/kv-machine.js';
import type { Output } from '../../src/pbft/types.js';

function reason(outs: Output[]): string {
  const e = outs.find((o) => o.type === 'event' && o.event === 'dropped');
  return e && e.type === 'event' ? String(e.fields.reason) : '(not dropped)';
}

/** Where each behaviour hurts most: the primary for primary-only lies, else a backup. */
const FAULTY: Record<ByzantineBehaviour, number> = {
  silent: 0, equivocate: 0, 'wrong-digest': 1, 'corrupt-replies': 2, 'bad-checkpoint': 3,
  replay: 0, 'spurious-view-change': 1, 'starve-client': 0, slow: 0,
};

for (const behaviour of BYZANTINE_BEHAVIOURS) {
  test(`byzantine '${behaviour}': correct replicas agree and every client completes`, () => {
    const faulty = FAULTY[behaviour];
    const c = new Cluster({ config: { checkpointInterval: 4 }, options: { [faulty]: { byzantine: behaviour } } });
    const clients = [c.client(1000), c.client(1001), c.client(1002)];
    for (let k = 0; k < 4; k++) for (const cl of clients) cl.submit(`append ${cl.id} ${k}`);
    c.tickUntil(() => clients.every((cl) => cl.done.length === 4), 5000);
    const correct = [0, 1, 2, 3].filter((i) => i !== faulty);
    for (const cl of clients) assert.deepEqual(cl.done.map((d) => d.result), ['0', '01', '012', '0123']);
    const ref = c.executedDigests(correct[0]);
    for (const i of correct) {
      assert.equal(c.sms[i].state.get('1000'), '0123');
      const mine = c.executedDigests(i);
      for (const [seq, d] of mine) if (ref.has(seq)) assert.equal(d, ref.get(seq), `replica ${i} seq ${seq}`);
    }
  });
}

test("byzantine 'equivocate' and 'starve-client' as primary force a view change", () => {
  for (const behaviour of ['equivocate', 'starve-client'] as const) {
    const c = new Cluster({ options: { 0: { byzantine: behaviour } } });
    const a = c.client(1000);
    const b = c.client(1001);
    a.submit('set a 1');
    b.submit('set b 1');
    c.tickUntil(() => a.done.length === 1 && b.done.length === 1, 3000);
    assert.ok(c.replicas[1].status().view >= 1, behaviour);
  }
});

test('a faulty client cannot frame the primary: a bad MAC for one backup waits for the client copy', () => {
  const c = new Cluster();
  const mallory = c.client(1000, { badMacFor: new Set([2]) });
  mallory.submit('set m 1');
  c.run();
  // Replicas 0, 1 and 3 are enough to commit; replica 2 waits without preparing.
  assert.equal(c.sms[1].state.get('m'), '1');
  assert.equal(c.replicas[2].status().lastExecuted, 0);
  assert.equal(c.replicas[2].log.get(1)?.missingRequests, 1);
  // The client's own copy (valid MAC for 2) completes it; no view change happens.
  const honest = c.client(1000);
  const auth = honest.auth.sealRequest({ client: 1000, timestamp: 1, op: bytes('set m 1'), readOnly: false, replier: 0 });
  c.enqueueRequest(-1, 2, auth);
  c.tick(10);
  assert.equal(c.sms[2].state.get('m'), '1');
  for (let i = 0; i < 4; i++) assert.equal(c.replicas[i].status().view, 0);
});

test('forged and malformed protocol input is dropped with a reason, never thrown', () => {
  const c = new Cluster();
  const r = c.replicas[1];
  const forgedPp = c.auths[3].seal({ type: 'prePrepare', prePrepare: { view: 0, seq: 1, digest: new Uint8Array(32), timeMs: 1, requests: [] } });
  const outs = r.step({ type: 'protocol', signed: forgedPp, msg: c.auths[1].open(forgedPp)! });
  assert.equal(outs[0].type, 'event');
  assert.equal(reason(outs), 'not-from-primary');
  const badDigest = c.auths[0].seal({ type: 'prePrepare', prePrepare: { view: 0, seq: 1, digest: new Uint8Array(32), timeMs: 1, requests: [] } });
  r.step({ type: 'protocol', signed: badDigest, msg: c.auths[1].open(badDigest)! });
  assert.equal(c.replicas[1].log.get(1), undefined);
  const mismatch = c.auths[2].seal({ type: 'prepare', prepare: { view: 0, seq: 1, digest: new Uint8Array(32), replica: 3 } });
  const o2 = r.step({ type: 'protocol', signed: mismatch, msg: c.auths[1].open(mismatch)! });
  assert.equal(reason(o2), 'replica-mismatch');
  const far = c.auths[2].seal({ type: 'commit', commit: { view: 0, seq: 10_000, digest: new Uint8Array(32), replica: 2 } });
  const o3 = r.step({ type: 'protocol', signed: far, msg: c.auths[1].open(far)! });
  assert.equal(reason(o3), 'outside-watermarks');
  const unknown = { body: new Uint8Array(1), signer: 99, sig: new Uint8Array(1) };
  const o4 = r.step({ type: 'protocol', signed: unknown, msg: { type: 'commit', commit: { view: 0, seq: 1, digest: new Uint8Array(1), replica: 99 } } });
  assert.equal(reason(o4), 'unknown-signer');
  const badVc = c.auths[2].seal({ type: 'viewChange', viewChange: { view: 1, stableSeq: 128, stableDigest: new Uint8Array(32), checkpointProof: [], prepared: [], prePrepared: [], replica: 2 } });
  const o5 = r.step({ type: 'protocol', signed: badVc, msg: c.auths[1].open(badVc)! });
  assert.match(String(reason(o5)), /^bad-view-change:proof-too-small/);
});

test('mutation commitQuorum (test-only) commits with f+1 commits; the correct replica does not', () => {
  for (const commitQuorum of [false, true]) {
    const c = new Cluster({ options: { 1: { mutations: { commitQuorum } } } });
    // Replica 1 hears commits only from replica 2.
    c.filter = (p) => !(p.input.type === 'protocol' && p.input.msg.type === 'commit' && p.to === 1 && p.from !== 2);
    c.client(1000).submit('set q 1');
    c.run();
    assert.equal(c.replicas[1].status().lastExecuted, commitQuorum ? 1 : 0);
  }
});

test('mutation prepareQuorum (test-only) prepares with f prepares', () => {
  for (const prepareQuorum of [false, true]) {
    const c = new Cluster({ options: { 1: { mutations: { prepareQuorum } } } });
    c.filter = (p) => !(p.input.type === 'protocol' && p.input.msg.type === 'prepare' && p.to === 1);
    c.client(1000).submit('set q 1');
    c.run();
    assert.equal(c.replicas[1].log.get(1)?.prepared, prepareQuorum);
  }
});

test('mutation ignorePreparedInViewChange (test-only) drops a prepared batch from O', () => {
  const opts = { mutations: { ignorePreparedInViewChange: true } };
  const c = new Cluster({ options: { 0: opts, 1: opts, 2: opts, 3: opts } });
  const alice = c.client(1000);
  c.filter = (p) => !(p.input.type === 'protocol' && p.input.msg.type === 'commit' && p.input.msg.commit.view === 0);
  alice.submit('set p 1');
  c.run();
  c.down.add(0);
  c.tickUntil(() => c.replicas[1].status().view === 1 && !c.replicas[1].status().viewChanging, 1000);
  const changed = c.events.find((e) => e.replica === 1 && e.event === 'view-changed');
  assert.equal(changed?.fields.maxS, 0, 'O is empty although seq 1 was prepared');
});

test('malformed input that slips past the transport is dropped as malformed, not thrown', () => {
  const c = new Cluster();
  const signed = c.auths[0].seal({ type: 'commit', commit: { view: 0, seq: 1, digest: new Uint8Array(32), replica: 0 } });
  const broken = { type: 'prePrepare', prePrepare: { view: 0, seq: 1, digest: new Uint8Array(32), timeMs: 1 } } as unknown as Parameters<typeof c.auths[0]['seal']>[0];
  const outs = c.replicas[1].step({ type: 'protocol', signed, msg: broken });
  assert.equal(reason(outs), 'malformed');
});

test('a replica whose state diverged from 2f+1 others says so at the checkpoint', () => {
  const c = new Cluster({ config: { checkpointInterval: 2 } });
  const alice = c.client(1000);
  alice.submit('set a 1');
  c.run();
  c.sms[3].state.set('corrupt', 'yes');
  alice.submit('set b 2');
  c.run();
  assert.ok(c.events.some((e) => e.replica === 3 && e.event === 'state-diverged'));
  assert.equal(c.replicas[3].status().stableSeq, 0);
  assert.equal(c.replicas[0].status().stableSeq, 2);
});
