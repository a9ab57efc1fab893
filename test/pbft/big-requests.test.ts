// Big requests (BFS: "sent by the client to all replicas and ordered by digest
// only"): the client multicasts them, pre-prepares carry only their digest,
// every replica executes the client's own copy; a replica that lacks the copy
// waits for it, asks for it (LAGGING) when the client has moved on, and a
// view change carries digests, not bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, type Packet } from './helpers/cluster.js';
import { BIG_REQUEST_BYTES_MIN } from '../../src/pbft/config.js';
import { batchDigest, byDigest, isByDigest } from '../../src/pbft/batch.js';
import type { PrePrepare, Signed, ViewChange } from '../../src/pbft/types.js';

/** An op whose encoded request is big under the default threshold. */
function bigSet(key: string, fill: string): string {
  return `set ${key} ${fill.repeat(BIG_REQUEST_BYTES_MIN + 1000)}`;
}

const isClientCopy = (p: Packet): boolean => p.input.type === 'request' && p.from < 0;
const isPrePrepare = (p: Packet): boolean => p.input.type === 'protocol' && p.input.msg.type === 'prePrepare';

function prePrepareOf(p: Packet): PrePrepare {
  assert.ok(p.input.type === 'protocol' && p.input.msg.type === 'prePrepare');
  return p.input.msg.prePrepare;
}

test('big requests: the client sends to all, the pre-prepare carries only the digest, every replica executes the client copy', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  const seen: Packet[] = [];
  c.filter = (p) => { seen.push(p); return true; };
  const op = bigSet('a', 'x');
  alice.submit(op);
  c.run();
  assert.deepEqual(alice.done.map((d) => d.result), ['OK']);
  assert.deepEqual(seen.filter(isClientCopy).map((p) => p.to).sort(), [0, 1, 2, 3], 'the client sent its copy to every replica');
  const pps = seen.filter(isPrePrepare).map(prePrepareOf);
  assert.equal(pps.length, 3);
  for (const pp of pps) {
    assert.equal(pp.requests.length, 1);
    assert.ok(isByDigest(pp.requests[0]), 'by digest only');
    assert.equal(pp.requests[0].request.length, 0);
  }
  assert.ok(seen.every((p) => p.input.type !== 'request' || p.from < 0), 'no backup forwarded the bytes to the primary');
  const digests = new Set([0, 1, 2, 3].map((i) => c.executedDigests(i).get(1)));
  assert.equal(digests.size, 1);
  for (let i = 0; i < 4; i++) assert.equal(c.sms[i].state.get('a'), op.split(' ')[2]);
});

test('big requests: small ones stay inline in the pre-prepare', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  const pps: PrePrepare[] = [];
  c.filter = (p) => { if (isPrePrepare(p)) pps.push(prePrepareOf(p)); return true; };
  alice.submit('set a 1');
  c.run();
  assert.equal(alice.done.length, 1);
  assert.ok(pps.length > 0 && pps.every((pp) => !isByDigest(pp.requests[0]) && pp.requests[0].request.length > 0));
});

test('big requests: a backup that gets the pre-prepare before the client copy prepares once the copy arrives', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  const held: Packet[] = [];
  c.filter = (p) => {
    if (isClientCopy(p) && p.to === 2) { held.push(p); return false; }
    return true;
  };
  alice.submit(bigSet('a', 'y'));
  c.run();
  assert.equal(alice.done.length, 1, 'f+1 replies without replica 2');
  assert.equal(c.replicas[2].status().lastExecuted, 0, 'replica 2 waits for the client copy');
  assert.equal(c.replicas[2].log.get(1)?.missingRequests, 1);
  c.filter = () => true;
  for (const p of held) c.input(p.to, p.input);
  c.run();
  assert.equal(c.replicas[2].status().lastExecuted, 1);
  assert.equal(c.executedDigests(2).get(1), c.executedDigests(0).get(1));
});

test('big requests: a backup whose pre-prepares lag behind the client copies keeps the copies its client moved on from', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  const held: Packet[] = [];
  // Replica 3 gets each client copy at once, but the pre-prepares only later:
  // the client is answered by 0, 1, 2 and sends its next request meanwhile.
  c.filter = (p) => {
    if (isPrePrepare(p) && p.to === 3) { held.push(p); return false; }
    return true;
  };
  for (const v of ['p', 'q', 'r']) { alice.submit(bigSet('k', v)); c.run(); }
  assert.equal(alice.done.length, 3);
  assert.equal(c.replicas[3].status().lastExecuted, 0);
  c.filter = () => true;
  for (const p of held) c.input(p.to, p.input);
  c.run();
  assert.equal(c.replicas[3].status().lastExecuted, 3, 'every batch completes from the copies it kept, without asking');
  assert.equal(c.sms[3].state.get('k'), c.sms[0].state.get('k'));
  assert.deepEqual([...c.executedDigests(3)], [...c.executedDigests(0)]);
});

test('big requests: a backup whose client copy was lost gets it from the others (LAGGING) after the client moved on', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  c.filter = (p) => !(isClientCopy(p) && p.to === 3);
  alice.submit(bigSet('a', 'z'));
  c.run();
  assert.equal(alice.done.length, 1);
  assert.equal(c.replicas[3].status().lastExecuted, 0);
  c.filter = () => true;
  // Two retransmission periods: the first notes the missing copy, the second asks.
  c.tickUntil(() => c.replicas[3].status().lastExecuted === 1, 200);
  assert.equal(c.sms[3].state.get('a'), c.sms[0].state.get('a'));
  assert.equal(c.executedDigests(3).get(1), c.executedDigests(0).get(1));
  assert.equal(alice.done.length, 1, 'nothing executed twice');
  assert.equal(c.sms[3].executed.length, 1);
});

test('big requests: a view change carries digests, and a new primary without the client copy still gets the request executed', () => {
  const c = new Cluster();
  const alice = c.client(1000);
  const vcs: Signed[] = [];
  // View 0: the commits are lost (the batch prepares but commits nowhere), and
  // replica 1, the next primary, never gets the client's copy.
  c.filter = (p) => {
    if (isClientCopy(p) && p.to === 1) return false;
    if (p.input.type !== 'protocol') return true;
    const m = p.input.msg;
    if (m.type === 'viewChange') vcs.push(p.input.signed);
    return !(m.type === 'commit' && m.commit.view === 0);
  };
  const op = bigSet('v', 'w');
  alice.submit(op);
  c.run();
  assert.equal(c.replicas[2].status().lastExecuted, 0);
  assert.ok(c.replicas[2].log.get(1)?.prepared, 'prepared at replica 2 in view 0');
  c.down.add(0);
  c.tickUntil(() => [1, 2, 3].every((i) => c.replicas[i].status().lastExecuted === 1), 3000);
  assert.equal(alice.done.length, 1);
  for (const i of [1, 2, 3]) {
    assert.equal(c.replicas[i].status().view, 1);
    assert.equal(c.sms[i].state.get('v'), op.split(' ')[2]);
    assert.equal(c.sms[i].executed.length, 1, 'executed exactly once');
  }
  // The prepared batches (P) in the VIEW-CHANGEs name the request by digest: they are small.
  assert.ok(vcs.length > 0);
  for (const s of vcs) {
    const vc = c.auths[0].open(s);
    assert.ok(vc?.type === 'viewChange');
    const prepared = (vc.viewChange as ViewChange).prepared;
    assert.ok(prepared.length > 0);
    assert.ok(s.body.length < BIG_REQUEST_BYTES_MIN, `VIEW-CHANGE of ${s.body.length} bytes`);
  }
});

test('big requests: a forged pre-prepare naming a digest no client sent is never prepared', () => {
  const c = new Cluster();
  const primary = c.auths[0];
  const requests = [byDigest(new Uint8Array(32).fill(7))];
  // A correct batch digest over the bogus request digest: only the missing copy stops it.
  const pp: PrePrepare = { view: 0, seq: 1, timeMs: c.nowMs, digest: batchDigest(primary, c.nowMs, requests), requests };
  const signed = primary.seal({ type: 'prePrepare', prePrepare: pp });
  for (const to of [1, 2, 3]) c.input(to, { type: 'protocol', signed, msg: { type: 'prePrepare', prePrepare: pp } });
  c.run();
  for (const i of [1, 2, 3]) {
    const e = c.replicas[i].log.get(1);
    assert.equal(e?.missingRequests, 1);
    assert.equal(e?.sentPrepare, undefined, 'no PREPARE for a request we do not hold');
  }
});
