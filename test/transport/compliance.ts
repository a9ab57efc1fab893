// The transport compliance suite: one set of behaviours every Transport
// implementation must show, run by memory.test.ts and grpc.test.ts.
import { test, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { ClientAuth, ReplicaAuth } from '../../src/crypto/node-auth.js';
import { nativeProvider } from '../../src/crypto/native.js';
import { generateCluster, type ClusterConfig } from '../../src/transport/cluster-config.js';
import { encodeEnvelope } from '../../src/transport/codec.js';
import type { KeyFile } from '../../src/crypto/key-file.js';
import type { DropReason, TransportStats } from '../../src/transport/drops.js';
import type { QueueLimits } from '../../src/transport/peer-queue.js';
import type { Delivery, NodeId, Transport } from '../../src/transport/transport.js';
import type { Reply, Signed } from '../../src/pbft/types.js';

export type TestTransport = Transport & { stats(): TransportStats; sendRaw(to: NodeId, bytes: Uint8Array): void };

export interface NodeOptions { maxMessageBytes: number; queue: QueueLimits }

export interface HarnessFactory {
  /** Builds the implementation's world for `config` (e.g. binds ports); `start` creates one node's transport. */
  create(config: ClusterConfig): Promise<{
    start(auth: ReplicaAuth | ClientAuth, options: NodeOptions, onDrop: (reason: DropReason, peer: NodeId | null) => void): Promise<TestTransport>;
    close(): Promise<void>;
  }>;
  /** Gives the cluster's replicas usable addresses (gRPC: free ports). */
  addresses(config: ClusterConfig): Promise<void>;
}

export const DEFAULT_NODE_OPTIONS: NodeOptions = { maxMessageBytes: 256 * 1024, queue: { messagesMax: 100, bytesMax: 1024 * 1024 } };

export class TestNode {
  readonly deliveries: Delivery[] = [];
  readonly drops: Array<{ reason: DropReason; peer: NodeId | null }> = [];
  constructor(readonly auth: ReplicaAuth | ClientAuth, public transport: TestTransport) {}

  get replica(): ReplicaAuth { return this.auth as ReplicaAuth; }
  get client(): ClientAuth { return this.auth as ClientAuth; }

  protocolSeqs(from: NodeId): number[] {
    return this.deliveries.flatMap((d) => (d.type === 'protocol' && d.from === from && d.msg.type === 'prepare' ? [d.msg.prepare.seq] : []));
  }
  dropCount(reason: DropReason): number { return this.drops.filter((d) => d.reason === reason).length; }
}

/** Polls `check` until true; `poke` runs between polls (e.g. resend). Not a timing assertion: the deadline only bounds a hang. */
export async function eventually(what: string, check: () => boolean, poke?: () => void, deadlineMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > deadlineMs) assert.fail(`timed out waiting for: ${what}`);
    poke?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const digest = new Uint8Array(32).fill(7);

export function runComplianceSuite(name: string, factory: HarnessFactory): void {
  const generated = generateCluster({ replicas: 4, clients: 2 });
  const { config } = generated;
  const key = (id: number): KeyFile => generated.keys.get(id) as KeyFile;
  let worldPromise: ReturnType<HarnessFactory['create']> | null = null;
  const nodes = new Map<NodeId, TestNode>();

  async function start(id: NodeId, options: NodeOptions = DEFAULT_NODE_OPTIONS): Promise<TestNode> {
    worldPromise ??= factory.addresses(config).then(() => factory.create(config));
    const world = await worldPromise;
    const auth = id < config.replicas.length ? new ReplicaAuth({ config, key: key(id) }) : new ClientAuth({ config, key: key(id) });
    const node = new TestNode(auth, undefined as unknown as TestTransport);
    node.transport = await world.start(auth, options, (reason, peer) => node.drops.push({ reason, peer }));
    node.transport.onDelivery((d) => node.deliveries.push(d));
    nodes.set(id, node);
    return node;
  }
  async function stop(id: NodeId): Promise<void> {
    await nodes.get(id)?.transport.close();
    nodes.delete(id);
  }
  async function stopAll(): Promise<void> {
    for (const id of [...nodes.keys()]) await stop(id);
  }
  afterEach(stopAll);
  after(async () => {
    await stopAll();
    await (await worldPromise)?.close();
  });

  const prepare = (from: TestNode, seq: number): Signed =>
    from.replica.seal({ type: 'prepare', prepare: { view: 0, seq, digest, replica: from.auth.id } });

  test(`${name}: every replica delivers verified protocol messages from every other`, async () => {
    const rs = await Promise.all([0, 1, 2, 3].map((id) => start(id)));
    for (const from of rs) for (const to of rs) if (from !== to) from.transport.send(to.auth.id, { type: 'signed', signed: prepare(from, 1) });
    await eventually('12 deliveries', () => rs.every((r) => r.deliveries.length === 3));
    for (const to of rs) {
      for (const d of to.deliveries) {
        assert.equal(d.type, 'protocol');
        assert.ok(d.type === 'protocol' && d.msg.type === 'prepare' && d.msg.prepare.replica === d.from && d.signed.signer === d.from);
      }
    }
  });

  test(`${name}: order is kept per pair, in both dialing directions`, async () => {
    const [r0, r1, r3] = await Promise.all([start(0), start(1), start(3)]);
    for (let seq = 1; seq <= 80; seq++) {
      r0.transport.send(1, { type: 'signed', signed: prepare(r0, seq) });
      r3.transport.send(1, { type: 'signed', signed: prepare(r3, seq) });
    }
    const expected = Array.from({ length: 80 }, (_, i) => i + 1);
    await eventually('160 deliveries at replica 1', () => r1.deliveries.length === 160);
    assert.deepEqual(r1.protocolSeqs(0), expected);
    assert.deepEqual(r1.protocolSeqs(3), expected);
  });

  test(`${name}: client requests reach replicas, replies reach the client, forwarding works`, async () => {
    const [r0, r1, c] = await Promise.all([start(0), start(1), start(1000)]);
    const other = await start(1001);
    const auth = c.client.sealRequest({ client: 1000, timestamp: 1, op: new Uint8Array([1]), readOnly: false, replier: -1 });
    // Retransmit until the client's session to replica 1 is up (a client may start before its streams).
    await eventually('request at replica 1', () => r1.deliveries.length > 0, () => c.transport.send(1, { type: 'request', auth }));
    const req = r1.deliveries[0];
    assert.ok(req.type === 'request' && req.from === 1000 && req.request.client === 1000 && req.request.timestamp === 1);
    const reply: Reply = { view: 0, timestamp: 1, client: 1000, replica: 1, tentative: false, result: new Uint8Array([9]), resultDigest: digest, full: true };
    r1.transport.send(1000, { type: 'reply', auth: r1.replica.sealReply(reply) });
    await eventually('reply at the client', () => c.deliveries.length > 0);
    const got = c.deliveries[0];
    assert.ok(got.type === 'reply' && got.from === 1 && got.reply.result[0] === 9);
    assert.equal(other.deliveries.length, 0, 'the other client gets nothing');
    // Replica 1 forwards the client's request to replica 0 (the primary).
    r1.transport.send(0, { type: 'request', auth });
    await eventually('forwarded request at replica 0', () => r0.deliveries.length > 0);
    assert.ok(r0.deliveries[0].type === 'request' && r0.deliveries[0].from === 1);
    // Client 1001 replaying client 1000's request on its own session is refused.
    await eventually('client-mismatch at replica 0', () => r0.dropCount('client-mismatch') > 0, () => other.transport.send(0, { type: 'request', auth }));
    assert.equal(r0.deliveries.length, 1);
  });

  test(`${name}: garbage bytes and forged signatures are dropped and counted; the node keeps serving`, async () => {
    const [r0, r1] = await Promise.all([start(0), start(1)]);
    r0.transport.sendRaw(1, new Uint8Array([0xff, 0x13, 0x37, 0x00]));
    r0.transport.sendRaw(1, new Uint8Array(0));
    const forger = nativeProvider.generateIdentity();
    const honest = prepare(r0, 5);
    r0.transport.send(1, { type: 'signed', signed: { ...honest, sig: nativeProvider.sign(forger.ed25519Secret, honest.body) } });
    r0.transport.send(1, { type: 'signed', signed: { ...honest, signer: 2 } });   // replica 0 claims 2's name
    r0.transport.send(1, { type: 'reply', auth: { reply: new Uint8Array([1]), mac: new Uint8Array(32) } });   // replicas take no replies
    r0.transport.send(1, { type: 'signed', signed: prepare(r0, 6) });
    await eventually('the honest message after the bad ones', () => r1.deliveries.length === 1);
    assert.deepEqual(r1.protocolSeqs(0), [6]);
    assert.equal(r1.dropCount('malformed'), 2);
    assert.equal(r1.dropCount('bad-signature'), 2);
    assert.equal(r1.dropCount('unexpected'), 1);
    assert.deepEqual(r1.transport.stats().dropped, { malformed: 2, 'bad-signature': 2, unexpected: 1 });
    assert.ok(r1.drops.every((d) => d.peer === 0));
  });

  test(`${name}: a bundle's items are checked one by one: bad ones dropped and counted, the rest delivered in order`, async () => {
    const [r0, r1] = await Promise.all([start(0), start(1)]);
    const env = (seq: number): Uint8Array => encodeEnvelope({ type: 'signed', signed: prepare(r0, seq) });
    const forged = { ...prepare(r0, 3), signer: 2 };
    const nested = encodeEnvelope({ type: 'bundle', envelopes: [env(4)] });
    const hello = encodeEnvelope({ type: 'hello', hello: r0.auth.makeHello(1, Date.now()) });
    const items = [env(1), new Uint8Array([0xff, 0x13]), env(2), encodeEnvelope({ type: 'signed', signed: forged }), nested, hello, env(5)];
    r0.transport.sendRaw(1, encodeEnvelope({ type: 'bundle', envelopes: items }));
    r0.transport.sendRaw(1, encodeEnvelope({ type: 'bundle', envelopes: [] }));
    r0.transport.send(1, { type: 'signed', signed: prepare(r0, 6) });
    await eventually('the message after the bundles', () => r1.protocolSeqs(0).includes(6));
    assert.deepEqual(r1.protocolSeqs(0), [1, 2, 5, 6]);
    assert.deepEqual(r1.transport.stats().dropped, { malformed: 1, 'bad-signature': 1, unexpected: 2 });
  });

  test(`${name}: a burst to one peer arrives complete and in order (coalesced where the transport does)`, async () => {
    const [r0, r1] = await Promise.all([start(0), start(1)]);
    await eventually('link up', () => r1.deliveries.length > 0, () => r0.transport.send(1, { type: 'signed', signed: prepare(r0, 0) }));
    const sentBefore = r0.transport.stats().sent;
    const big = { ...prepare(r0, 0), body: new Uint8Array(100 * 1024) };   // bigger than any bundle: goes alone
    for (let seq = 1; seq <= 90; seq++) {
      r0.transport.send(1, { type: 'signed', signed: seq === 45 ? { ...big, body: big.body.slice() } : prepare(r0, seq) });
    }
    const burst = (): number[] => r1.protocolSeqs(0).filter((seq) => seq > 0);   // late copies of the probe (seq 0) may still arrive
    await eventually('89 deliveries and one drop', () => burst().length === 89 && r1.dropCount('bad-signature') === 1);
    assert.deepEqual(burst(), Array.from({ length: 90 }, (_, i) => i + 1).filter((s) => s !== 45));
    assert.equal(r0.transport.stats().sent - sentBefore, 90, 'sent counts envelopes, bundled or not');
  });

  test(`${name}: oversize messages are dropped at the sender and at the receiver`, async () => {
    const big = { ...DEFAULT_NODE_OPTIONS, maxMessageBytes: 1024 * 1024 };
    const [r0, r1] = await Promise.all([start(0, big), start(1)]);
    const c = await start(1000);
    const op = new Uint8Array(512 * 1024);
    const auth = c.client.sealRequest({ client: 1000, timestamp: 1, op, readOnly: false, replier: -1 });
    c.transport.send(1, { type: 'request', auth });
    assert.equal(c.dropCount('oversize'), 1, 'the client refuses to send it');
    r0.transport.send(1, { type: 'request', auth });   // replica 0 allows 1 MiB; replica 1 only 256 KiB
    r0.transport.send(1, { type: 'signed', signed: prepare(r0, 1) });
    await eventually('the message after the oversize one', () => r1.deliveries.length === 1);
    assert.equal(r1.dropCount('oversize'), 1);
    assert.equal(r1.deliveries[0].type, 'protocol');
  });

  test(`${name}: a restarted peer is reached again (as dialer and as listener)`, async () => {
    const r0 = await start(0);
    let r1 = await start(1);
    await eventually('0 -> 1', () => r1.deliveries.length > 0, () => r0.transport.send(1, { type: 'signed', signed: prepare(r0, 1) }));
    await stop(1);
    r1 = await start(1);
    await eventually('0 -> restarted 1', () => r1.deliveries.length > 0, () => r0.transport.send(1, { type: 'signed', signed: prepare(r0, 2) }));
    await eventually('restarted 1 -> 0', () => r0.deliveries.length > 0, () => r1.transport.send(0, { type: 'signed', signed: prepare(r1, 3) }));
    await stop(0);
    const r0b = await start(0);
    await eventually('1 -> restarted 0', () => r0b.deliveries.length > 0, () => r1.transport.send(0, { type: 'signed', signed: prepare(r1, 4) }));
    // A client session survives the replica's restart too, in both directions.
    const c = await start(1000);
    await stop(1);
    r1 = await start(1);
    const auth = c.client.sealRequest({ client: 1000, timestamp: 1, op: new Uint8Array([1]), readOnly: false, replier: -1 });
    await eventually('client -> restarted 1', () => r1.deliveries.some((d) => d.type === 'request'), () => c.transport.send(1, { type: 'request', auth }));
    const reply: Reply = { view: 0, timestamp: 1, client: 1000, replica: 1, tentative: false, result: new Uint8Array([9]), resultDigest: digest, full: true };
    r1.transport.send(1000, { type: 'reply', auth: r1.replica.sealReply(reply) });
    await eventually('restarted 1 -> client', () => c.deliveries.length > 0);
  });

  test(`${name}: the queue to a dead peer is bounded; what fits is delivered when it comes up`, async () => {
    const r0 = await start(0);
    const bytes = encodeEnvelope({ type: 'signed', signed: prepare(r0, 1) }).length;
    for (let seq = 1; seq <= 1000; seq++) r0.transport.send(2, { type: 'signed', signed: prepare(r0, seq) });
    const peer = r0.transport.stats().peers.find((p) => p.id === 2);
    assert.equal(peer?.queuedMessages, DEFAULT_NODE_OPTIONS.queue.messagesMax);
    assert.ok(peer && peer.queuedBytes <= DEFAULT_NODE_OPTIONS.queue.messagesMax * (bytes + 2));
    assert.equal(r0.dropCount('queue-full'), 900);
    const r2 = await start(2);
    await eventually('queued messages delivered', () => r2.deliveries.length === 100);
    assert.deepEqual(r2.protocolSeqs(0), Array.from({ length: 100 }, (_, i) => i + 1));
  });
}
