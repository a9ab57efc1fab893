// The compliance suite on the gRPC transport, plus what only gRPC has:
// stream authentication (hello), the Status RPC.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { ClientAuth, ReplicaAuth } from '../../src/crypto/node-auth.js';
import { generateCluster } from '../../src/transport/cluster-config.js';
import { encodeEnvelope } from '../../src/transport/codec.js';
import { createGrpcClientTransport, createGrpcTransport, fetchStatus, type GrpcTransport } from '../../src/transport/grpc.js';
import type { KeyFile } from '../../src/crypto/key-file.js';
import type { DropReason } from '../../src/transport/drops.js';
import { eventually, runComplianceSuite } from './compliance.js';
import { freePorts } from './free-ports.js';

const backoffMs = { initial: 20, max: 200 };

runComplianceSuite('grpc', {
  async addresses(config) {
    const ports = await freePorts(config.replicas.length);
    config.replicas.forEach((r, i) => { r.port = ports[i]; });
  },
  async create(config) {
    return {
      async start(auth, options, onDrop) {
        const common = { config, ...options, onDrop, backoffMs };
        return auth instanceof ReplicaAuth
          ? createGrpcTransport({ ...common, auth })
          : createGrpcClientTransport({ ...common, auth: auth as ClientAuth });
      },
      async close() {},
    };
  },
});

// ── hello authentication and Status ──

const { config, keys } = generateCluster({ replicas: 4, clients: 1 });
const key = (id: number): KeyFile => keys.get(id) as KeyFile;
const drops: DropReason[] = [];
let replica: GrpcTransport | null = null;
after(async () => { await replica?.close(); });

async function startReplica0(): Promise<GrpcTransport> {
  if (replica) return replica;
  const ports = await freePorts(4);
  config.replicas.forEach((r, i) => { r.port = ports[i]; });
  replica = await createGrpcTransport({
    config, auth: new ReplicaAuth({ config, key: key(0) }), backoffMs, onDrop: (reason) => drops.push(reason),
    status: () => ({ id: 0, view: 3, primary: 3, lastExecuted: 42, stableSeq: 0, stableDigest: new Uint8Array(32).fill(1), viewChanging: true }),
  });
  return replica;
}

/** Opens a raw stream to replica 0, sends `first`, and resolves with the final status code. */
function rawStream(first: Uint8Array): Promise<grpc.status> {
  const client = new grpc.Client(`127.0.0.1:${config.replicas[0].port}`, grpc.credentials.createInsecure());
  const call = client.makeBidiStreamRequest('/bfs.Replica/Stream', (b: Buffer) => b, (b: Buffer) => b);
  return new Promise((resolve) => {
    call.on('error', () => {});
    call.on('data', () => {});
    call.on('status', (s: grpc.StatusObject) => { client.close(); resolve(s.code); });
    call.write(Buffer.from(first));
  });
}

test('grpc: streams that do not start with a valid, fresh, addressed hello are refused and counted', async () => {
  await startReplica0();
  const client = new ClientAuth({ config, key: key(1000) });
  const elsewhere = generateCluster({ replicas: 4, clients: 3 });
  const stranger = new ClientAuth({ config: elsewhere.config, key: elsewhere.keys.get(1002) as KeyFile });   // not in our cluster
  const impostor = new ClientAuth({ config: elsewhere.config, key: elsewhere.keys.get(1000) as KeyFile });  // our client's id, another key
  const hello = (target: number, timeMs: number): Uint8Array => encodeEnvelope({ type: 'hello', hello: client.makeHello(target, timeMs) });
  const cases: Array<[Uint8Array, DropReason]> = [
    [hello(1, Date.now()), 'hello-wrong-target'],
    [hello(0, Date.now() - 120_000), 'hello-stale'],
    [encodeEnvelope({ type: 'hello', hello: stranger.makeHello(0, Date.now()) }), 'hello-unknown-node'],
    [encodeEnvelope({ type: 'hello', hello: impostor.makeHello(0, Date.now()) }), 'hello-bad-signature'],
    [new Uint8Array([0xff, 0xff]), 'hello-malformed'],
    [encodeEnvelope({ type: 'reply', auth: { reply: new Uint8Array(1), mac: new Uint8Array(32) } }), 'not-authenticated'],
  ];
  for (const [first, reason] of cases) {
    assert.equal(await rawStream(first), grpc.status.UNAUTHENTICATED, reason);
    assert.equal(drops.at(-1), reason);
  }
  const good = hello(0, Date.now());
  // A good hello is accepted (the stream stays open until we cancel); a replay of it is refused.
  const c = new grpc.Client(`127.0.0.1:${config.replicas[0].port}`, grpc.credentials.createInsecure());
  const call = c.makeBidiStreamRequest('/bfs.Replica/Stream', (b: Buffer) => b, (b: Buffer) => b);
  let accepted = false;
  call.on('metadata', () => { accepted = true; });
  call.on('error', () => {});
  call.write(Buffer.from(good));
  await eventually('hello accepted', () => accepted);
  assert.equal(await rawStream(good), grpc.status.UNAUTHENTICATED);
  assert.equal(drops.at(-1), 'hello-replayed');
  call.cancel();
  c.close();
});

test('grpc: fetchStatus returns what the runtime supplies; errors name the address', async () => {
  await startReplica0();
  const status = await fetchStatus(`127.0.0.1:${config.replicas[0].port}`, 2000);
  assert.deepEqual({ ...status, stateDigest: [...status.stateDigest] },
    { replica: 0, view: 3, primary: 3, lastExecuted: 42, stableSeq: 0, stateDigest: Array(32).fill(1), viewChanging: true });
  const [closed] = await freePorts(1);
  await assert.rejects(fetchStatus(`127.0.0.1:${closed}`, 500), new RegExp(`status of 127.0.0.1:${closed}`));
});

/**
 * A gRPC stream opened with node:http2 itself: grpc-js clients keep reading the
 * socket into their own arrays even when paused, so only a raw HTTP/2 stream can
 * stop reading the way a stuck or hostile client does (no WINDOW_UPDATEs).
 */
async function stuckStream(first: Uint8Array): Promise<{ stream: http2.ClientHttp2Stream; close(): void }> {
  const session = http2.connect(`http://127.0.0.1:${config.replicas[0].port}`);
  session.on('error', () => {});
  const stream = session.request({ ':method': 'POST', ':path': '/bfs.Replica/Stream', 'content-type': 'application/grpc', te: 'trailers' });
  stream.on('error', () => {});
  const frame = Buffer.alloc(5 + first.length);
  frame.writeUInt32BE(first.length, 1);   // byte 0: not compressed
  frame.set(first, 5);
  stream.write(frame);
  await new Promise<void>((resolve) => stream.once('response', () => resolve()));
  stream.pause();
  return { stream, close: () => { stream.close(http2.constants.NGHTTP2_CANCEL); session.destroy(); } };
}

test('grpc: a client that stops reading cannot make the replica buffer without bound', async () => {
  const r0 = await startReplica0();
  const client = new ClientAuth({ config, key: key(1000) });
  const stuck = await stuckStream(encodeEnvelope({ type: 'hello', hello: client.makeHello(0, Date.now()) }));
  const auth = new ReplicaAuth({ config, key: key(0) });
  const reply = auth.sealReply({ view: 0, timestamp: 1, client: 1000, replica: 0, tentative: false, result: new Uint8Array(4096), resultDigest: new Uint8Array(32), full: true });
  // HTTP/2 flow control holds what reaches the socket to the client's windows; the
  // rest waits in our bounded queue. How much grpc and the kernel take first depends
  // on the machine, so send in rounds until the queue stops draining, and fail if grpc
  // swallowed more than any flow-control window and socket buffer explain.
  const sentMessagesMax = (64 * 1024 * 1024) / 4096;
  let peer = r0.stats().peers.find((p) => p.id === 1000);
  for (let sent = 0; !(peer && peer.queuedMessages > 0); sent += 1_000) {
    assert.ok(sent < sentMessagesMax, `grpc accepted ${sent} messages of 4 KiB for a client that reads nothing`);
    for (let i = 0; i < 1_000; i++) r0.send(1000, { type: 'reply', auth: reply });
    await new Promise((resolve) => setTimeout(resolve, 100));
    peer = r0.stats().peers.find((p) => p.id === 1000);
  }
  assert.ok(peer && peer.queuedMessages <= 10_000 && peer.queuedBytes <= 64 * 1024 * 1024, JSON.stringify(peer));
  // The sends below run synchronously (nothing drains meanwhile): exactly what does not fit
  // in the 10k-message queue is dropped and counted.
  const room = 10_000 - peer.queuedMessages;
  const before = drops.filter((d) => d === 'queue-full').length;
  for (let i = 0; i < 12_000; i++) r0.send(1000, { type: 'reply', auth: reply });
  assert.equal(drops.filter((d) => d === 'queue-full').length - before, 12_000 - room, 'overflow is dropped and counted');
  const after = r0.stats().peers.find((p) => p.id === 1000);
  assert.ok(after && after.queuedMessages === 10_000, JSON.stringify(after));
  stuck.close();
});

test('grpc: a client whose clock is off is refused, and told why once', async () => {
  await startReplica0();
  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, error() {}, warn(_o: object, msg: string) { warnings.push(msg); } };
  const client = createGrpcClientTransport({ config, auth: new ClientAuth({ config, key: key(1000) }), logger, backoffMs, now: () => Date.now() - 120_000 });
  try {
    await eventually('a refusal warning', () => warnings.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 200));   // several redials later
    assert.deepEqual(warnings, ['peer refused our hello: check that cluster.json and the key files match, and that clocks agree']);
    assert.equal(drops.at(-1), 'hello-stale');
  } finally {
    await client.close();
  }
});
