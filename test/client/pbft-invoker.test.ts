// PbftInvoker's plumbing with a scripted client core and an in-memory
// transport: one request per slot, FIFO queueing beyond the slots, results
// decoded, the bound on waiting, and close.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NoQuorumError, PbftInvoker, type ClientCoreLike } from '../../src/client/pbft-invoker.js';
import type { ClientOutput, Reply } from '../../src/pbft/types.js';
import { decodeFsRequest, encodeFsResult } from '../../src/transport/codec.js';
import type { Delivery, Envelope, NodeId, Transport } from '../../src/transport/transport.js';
import type { FsRequest } from '../../src/fs/types.js';

class FakeTransport implements Transport {
  readonly sent: Array<{ to: NodeId; envelope: Envelope }> = [];
  handler?: (d: Delivery) => void;
  closed = false;
  constructor(readonly self: NodeId) {}
  send(to: NodeId, envelope: Envelope): void { this.sent.push({ to, envelope }); }
  onDelivery(handler: (d: Delivery) => void): void { this.handler = handler; }
  async close(): Promise<void> { this.closed = true; }
}

/** A core that "sends" the op bytes as the request and finishes on any reply for its timestamp. */
class FakeCore implements ClientCoreLike {
  timestamp = 0;
  op?: Uint8Array;
  ticks = 0;
  submit(op: Uint8Array): ClientOutput[] {
    this.timestamp += 1;
    this.op = op;
    return [{ type: 'send', to: 'all', auth: { request: op, macs: [] } }];
  }
  onReply(reply: Reply): ClientOutput[] {
    return reply.timestamp === this.timestamp ? [{ type: 'done', timestamp: reply.timestamp, result: reply.result }] : [];
  }
  tick(): ClientOutput[] { this.ticks += 1; return []; }
}

function statfsReq(uid: number): FsRequest {
  return { cred: { uid, gid: 0, groups: [] }, op: 'statfs', statfs: {} };
}

/** Answer slot `i`'s outstanding request with errno = the request's uid. */
function answer(transport: FakeTransport, core: FakeCore): void {
  const req = decodeFsRequest(core.op as Uint8Array) as FsRequest;
  const result = encodeFsResult({ errno: req.cred.uid });
  const reply: Reply = { view: 0, timestamp: core.timestamp, client: 1000, replica: 0, tentative: false, result, resultDigest: new Uint8Array(32), full: true };
  transport.handler?.({ type: 'reply', from: 0, auth: { reply: new Uint8Array(0), mac: new Uint8Array(0) }, reply });
}

function setup(slotCount: number, requestTimeoutMs = 60_000, clock?: () => number) {
  const transports = Array.from({ length: slotCount }, (_, i) => new FakeTransport(1000 + i));
  const cores: FakeCore[][] = transports.map(() => []);
  const invoker = new PbftInvoker({
    slots: transports.map((transport, i) => ({ transport, makeCore: () => { const c = new FakeCore(); cores[i].push(c); return c; } })),
    replicas: [0, 1, 2, 3], tickMs: 5, requestTimeoutMs, clock,
  });
  return { invoker, transports, cores };
}

describe('PbftInvoker', () => {
  it('sends to every replica and resolves with the decoded result', async () => {
    const { invoker, transports, cores } = setup(1);
    const done = invoker.invoke(statfsReq(7));
    assert.deepEqual(transports[0].sent.map((s) => s.to), [0, 1, 2, 3]);
    answer(transports[0], cores[0][0]);
    assert.deepEqual(await done, { errno: 7 });
    await invoker.close();
  });

  it('keeps one request per slot and queues the rest in order', async () => {
    const { invoker, transports, cores } = setup(2);
    const results = [1, 2, 3, 4, 5].map((uid) => invoker.invoke(statfsReq(uid)));
    assert.deepEqual(invoker.load, { inFlight: 2, queued: 3 });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) answer(transports[i], cores[i][0]);
    }
    const errnos = (await Promise.all(results)).map((r) => r.errno);
    assert.deepEqual(errnos, [1, 2, 3, 4, 5]);
    assert.deepEqual(invoker.load, { inFlight: 0, queued: 0 });
    await invoker.close();
  });

  it('ignores replies for other timestamps', async () => {
    const { invoker, transports, cores } = setup(1);
    const done = invoker.invoke(statfsReq(3));
    cores[0][0].timestamp += 1; // the reply below now names an old timestamp
    answer(transports[0], { ...cores[0][0], timestamp: 0 } as FakeCore);
    assert.deepEqual(invoker.load, { inFlight: 1, queued: 0 });
    answer(transports[0], cores[0][0]);
    assert.equal((await done).errno, 3);
    await invoker.close();
  });

  it('ticks the core and gives up after the bound with a clear error, then serves the next request', async () => {
    let now = 0;
    const { invoker, transports, cores } = setup(1, 2000, () => now);
    const first = invoker.invoke(statfsReq(1));
    const second = invoker.invoke(statfsReq(2));
    await sleep(30);
    assert.ok(cores[0][0].ticks > 0, 'core ticked');
    now = 2000;
    await assert.rejects(first, (err: unknown) => err instanceof NoQuorumError && /no quorum of replies after 2s: are the replicas up\? \(bfs status\)/.test(err.message));
    assert.equal(cores[0].length, 2, 'a fresh core took the slot');
    answer(transports[0], cores[0][1]);
    assert.equal((await second).errno, 2);
    await invoker.close();
  });

  it('close rejects what is pending and closes the transports', async () => {
    const { invoker, transports } = setup(1);
    const a = invoker.invoke(statfsReq(1));
    const b = invoker.invoke(statfsReq(2));
    await invoker.close();
    await assert.rejects(a, /closed/);
    await assert.rejects(b, /closed/);
    await assert.rejects(invoker.invoke(statfsReq(3)), /closed/);
    assert.ok(transports[0].closed);
  });
});
