import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientCore } from '../../src/pbft/client-core.js';
import type { ClientOutput, Reply } from '../../src/pbft/types.js';
import { FakeClientAuth, decodeJson, sha } from './helpers/fake-auth.js';
import { bytes } from './helpers/kv-machine.js';
import type { Request } from '../../src/pbft/types.js';

const auth = new FakeClientAuth(4);

function core(extra: Partial<ConstructorParameters<typeof ClientCore>[0]> = {}): ClientCore {
  const c = new ClientCore({ id: 7, n: 4, initialTimestamp: 100, seed: 1, ...extra }, auth);
  c.tick(0);
  return c;
}

function reply(replica: number, result: string, over: Partial<Reply> = {}): Reply {
  const r = bytes(result);
  return { view: 0, timestamp: 100, client: 7, replica, tentative: false, result: r, resultDigest: sha(r), full: true, ...over };
}

function sentRequest(o: ClientOutput): Request {
  assert.equal(o.type, 'send');
  return decodeJson<Request>((o as Extract<ClientOutput, { type: 'send' }>).auth.request);
}

test('client: a read-write request goes to the primary; f matching replies are not enough, f+1 are', () => {
  const c = core();
  const outs = c.submit(bytes('set a 1'), false);
  assert.equal(outs.length, 1);
  assert.equal((outs[0] as { to: number }).to, 0);
  assert.equal(sentRequest(outs[0]).timestamp, 100);
  assert.deepEqual(c.onReply(reply(1, 'OK')), []);
  assert.deepEqual(c.onReply(reply(1, 'OK')), [], 'the same replica counts once');
  assert.deepEqual(c.onReply(reply(2, 'BAD')), []);
  const done = c.onReply(reply(3, 'OK'));
  assert.equal(done[0].type, 'done');
  assert.equal(new TextDecoder().decode((done[0] as { result: Uint8Array }).result), 'OK');
});

test('client: tentative replies need 2f+1 in the same view', () => {
  const c = core();
  c.submit(bytes('set a 1'), false);
  assert.deepEqual(c.onReply(reply(0, 'OK', { tentative: true })), []);
  assert.deepEqual(c.onReply(reply(1, 'OK', { tentative: true })), []);
  assert.deepEqual(c.onReply(reply(2, 'OK', { tentative: true, view: 1 })), [], 'a different view does not match');
  assert.equal(c.onReply(reply(3, 'OK', { tentative: true }))[0].type, 'done');
});

const targetsOf = (outs: ClientOutput[]): number[] => outs.map((o) => (o as { to: number }).to);

test('client: read-only goes to 2f+1 replicas (the primary last); the others are asked at the timeout, then it retries as read-write', () => {
  const c = core();
  const outs = c.submit(bytes('get a'), true);
  assert.deepEqual(targetsOf(outs), [1, 2, 3]);
  assert.ok(outs.every((o) => (o as { auth: unknown }).auth === (outs[0] as { auth: unknown }).auth), 'one sealed request');
  assert.equal(sentRequest(outs[0]).replier, 1, 'the replier is one of those asked');
  assert.deepEqual(c.onReply(reply(1, 'v')), []);
  assert.deepEqual(c.onReply(reply(2, 'v')), []);
  const widen = c.tick(150);
  assert.deepEqual(targetsOf(widen), [0], 'the one not asked yet');
  assert.equal(sentRequest(widen[0]).timestamp, 100, 'the same request');
  const retry = c.tick(300);
  assert.equal(retry.length, 1);
  const req = sentRequest(retry[0]);
  assert.equal(req.readOnly, false);
  assert.equal(req.timestamp, 101, 'a fresh timestamp');
  // Late read-only replies for the old timestamp do not count for the ordered request.
  assert.deepEqual(c.onReply(reply(2, 'stale')), []);
  assert.deepEqual(c.onReply(reply(3, 'stale')), []);
  assert.deepEqual(c.onReply(reply(2, 'v', { timestamp: 101 })), []);
  assert.equal(c.onReply(reply(3, 'v', { timestamp: 101 }))[0].type, 'done');
});

test('client: a read-only reply that does not match asks the rest at once; the replica that failed is asked last afterwards', () => {
  const c = core();
  c.submit(bytes('get a'), true);
  c.onReply(reply(1, 'v'));
  const widen = c.onReply(reply(2, 'LIE'));
  assert.deepEqual(targetsOf(widen), [0], '2f+1 matching is out of reach among those asked');
  assert.deepEqual(c.onReply(reply(3, 'v')), []);
  const done = c.onReply(reply(0, 'v'));
  assert.equal(done[0].type, 'done');
  // Replica 2 lied: the next read-only request goes to 0, 1 and 3.
  const next = c.submit(bytes('get b'), true);
  assert.deepEqual(targetsOf(next).sort(), [0, 1, 3]);
  assert.notEqual(sentRequest(next[0]).replier, 2);
});

test('client: a silent replica costs one timeout; later read-only requests go around it', () => {
  const c = core();
  c.submit(bytes('get a'), true);
  c.onReply(reply(2, 'v'));
  c.onReply(reply(3, 'v'));
  assert.deepEqual(targetsOf(c.tick(150)), [0]);
  assert.equal(c.onReply(reply(0, 'v'))[0].type, 'done');
  const next = c.submit(bytes('get b'), true);
  assert.deepEqual(targetsOf(next).sort(), [0, 2, 3], 'replica 1 did not answer');
  for (const r of [2, 3]) assert.deepEqual(c.onReply(reply(r, 'w', { timestamp: 101 })), []);
  assert.equal(c.onReply(reply(0, 'w', { timestamp: 101 }))[0].type, 'done');
});

test('client: read-only with replies that can no longer reach 2f+1, even from everyone, retries as read-write at once', () => {
  const c = core();
  c.submit(bytes('get a'), true);
  c.onReply(reply(1, 'v'));
  assert.deepEqual(targetsOf(c.onReply(reply(2, 'w'))), [0]);
  const outs = c.onReply(reply(3, 'x'));
  assert.equal(outs.length, 1);
  assert.equal(sentRequest(outs[0]).readOnly, false);
});

test('client: digest replies without a matching full result make it ask everyone for the full result, at the timeout', () => {
  const c = core();
  c.submit(bytes('big'), false);
  const d = sha(bytes('R'));
  assert.deepEqual(c.onReply(reply(1, '', { full: false, resultDigest: d })), []);
  // f+1 agree on a digest, but the designated replier (the primary) has not answered: its full reply may be on its way.
  assert.deepEqual(c.onReply(reply(2, '', { full: false, resultDigest: d })), []);
  // A "full" reply whose bytes do not hash to its digest is ignored.
  assert.deepEqual(c.onReply(reply(0, 'LIE', { resultDigest: d })), []);
  assert.deepEqual(c.tick(100), []);
  const ask = c.tick(150);
  assert.equal(ask.length, 1);
  assert.equal((ask[0] as { to: string }).to, 'all');
  assert.equal(sentRequest(ask[0]).replier, -1);
  const done = c.onReply(reply(3, 'R'));
  assert.equal(done[0].type, 'done');
});

test('client: when the designated replier answers with only a digest, it asks everyone for the full result at once', () => {
  const c = core();
  c.submit(bytes('big'), false);
  const d = sha(bytes('R'));
  assert.deepEqual(c.onReply(reply(1, '', { full: false, resultDigest: d })), []);
  const ask = c.onReply(reply(0, '', { full: false, resultDigest: d }));
  assert.equal((ask[0] as { to: string }).to, 'all');
  assert.equal(sentRequest(ask[0]).replier, -1);
});

test('client: a read-only result whose full copy comes after the digests completes without asking anyone else', () => {
  const c = core();
  c.submit(bytes('get a'), true);
  const d = sha(bytes('R'));
  for (const r of [2, 3]) assert.deepEqual(c.onReply(reply(r, '', { full: false, resultDigest: d })), []);
  const done = c.onReply(reply(1, 'R'));
  assert.equal(done.length, 1);
  assert.equal(done[0].type, 'done');
});

test('client: retransmits to all with a randomized, capped back-off; timestamps strictly increase', () => {
  const c = core();
  c.submit(bytes('set a 1'), false);
  c.submit(bytes('set b 2'), false);
  assert.deepEqual(c.tick(100), []);
  const first = c.tick(150);
  assert.equal((first[0] as { to: string }).to, 'all');
  let now = 150;
  const gaps: number[] = [];
  let last = now;
  for (let k = 0; k < 200 && gaps.length < 8; k++) {
    now += 10;
    if (c.tick(now).length > 0) { gaps.push(now - last); last = now; }
  }
  assert.ok(gaps[0] >= 220 && gaps[0] <= 380, `gaps ${gaps}`);
  assert.ok(gaps.every((g) => g <= 1010), `gaps ${gaps}`);
  assert.ok((gaps.at(-1) ?? 0) >= 900, `gaps ${gaps}`);
  c.onReply(reply(0, 'OK'));
  const next = c.onReply(reply(1, 'OK'));
  assert.equal(next[0].type, 'done');
  assert.equal(sentRequest(next[1]).timestamp, 101);
});

test('client: tracks the view from replies and sends to the new primary', () => {
  const c = core();
  c.submit(bytes('set a 1'), false);
  c.onReply(reply(1, 'OK', { view: 5 }));
  c.onReply(reply(2, 'OK', { view: 5 }));
  assert.equal(c.knownView, 5);
  const outs = c.submit(bytes('set b 1'), false);
  assert.equal((outs[0] as { to: number }).to, 1);
});

test('client: one lying replica cannot move the known view', () => {
  const c = core();
  c.submit(bytes('set a 1'), false);
  c.onReply(reply(1, 'OK', { view: 99 }));
  c.onReply(reply(2, 'OK', { view: 0 }));
  assert.equal(c.knownView, 0);
});

test('client: the view learned is the (f+1)-th highest among the matching replies that decided', () => {
  const expected = (views: number[], f: number): number => {
    const sorted = [...views].sort((x, y) => y - x);
    return sorted[Math.min(f, sorted.length - 1)];
  };
  // Read-only at n = 4 (decided by 2f+1 = 3 matching replies, f = 1).
  for (const views of [[7, 3, 5], [4, 4, 9], [2, 2, 2], [0, 9, 9], [9, 0, 1]]) {
    const c = core();
    c.submit(bytes('get a'), true);
    views.forEach((view, i) => c.onReply(reply(i + 1, 'V', { view })));
    assert.equal(c.knownView, expected(views, 1), `views ${views.join(',')}`);
  }
  // Read-write at n = 7 (f = 2: decided by f+1 = 3 committed matching replies); a mismatching reply in between does not vote.
  const auth7 = new FakeClientAuth(7);
  for (const views of [[1, 8, 4], [6, 6, 2], [3, 9, 9]]) {
    const c = new ClientCore({ id: 7, n: 7, initialTimestamp: 100, seed: 1 }, auth7);
    c.tick(0);
    c.submit(bytes('set a 1'), false);
    c.onReply(reply(6, 'OTHER', { view: 50 }));
    views.forEach((view, i) => c.onReply(reply(i + 1, 'OK', { view })));
    assert.equal(c.knownView, expected(views, 2), `views ${views.join(',')}`);
  }
});

test('client (test-only mutation): weakReplyQuorum accepts f matching replies', () => {
  const c = core({ mutations: { weakReplyQuorum: true } });
  c.submit(bytes('set a 1'), false);
  assert.equal(c.onReply(reply(3, 'FORGED'))[0].type, 'done');
});

test('client: a big read-write request goes to every replica at once (the primary orders it by digest only)', () => {
  const c = core({ bigRequestBytesMin: 200 });
  const small = c.submit(bytes('set a 1'), false);
  assert.equal((small[0] as { to: number }).to, 0);
  c.onReply(reply(1, 'OK'));
  const next = c.onReply(reply(2, 'OK'));
  assert.equal(next[0].type, 'done');
  const big = c.submit(bytes(`set b ${'x'.repeat(300)}`), false);
  assert.equal((big[0] as { to: string }).to, 'all');
});

test('client: the first retransmission timeout follows how long requests took (never below the configured one)', () => {
  const c = core();
  let now = 0;
  // Requests that each take 400 ms (replies come just before the deadline would matter).
  for (let k = 0; k < 6; k++) {
    c.submit(bytes(`set k${k} v`), false);
    now += 400;
    c.tick(now);
    c.onReply(reply(1, 'OK', { timestamp: 100 + k }));
    assert.equal(c.onReply(reply(2, 'OK', { timestamp: 100 + k }))[0].type, 'done');
  }
  c.submit(bytes('set z v'), false);
  // 150 ms would have retransmitted long ago; the estimate waits about as long as requests take.
  assert.deepEqual(c.tick(now + 300), []);
  const later: number[] = [];
  for (let t = now + 310; t <= now + 2000 && later.length === 0; t += 10) if (c.tick(t).length > 0) later.push(t - now);
  assert.ok(later[0] >= 400 && later[0] <= 1000, `first retransmission after ${later[0]} ms`);
  // A fast group keeps the configured 150 ms.
  const fast = core();
  fast.submit(bytes('set a 1'), false);
  assert.deepEqual(fast.tick(140), []);
  assert.equal(fast.tick(150).length, 1);
});
