// Hostile bytes at a replica of a real group: garbage, a message signed with
// the wrong key, replays (a hello, old protocol messages) and oversize
// messages are dropped, counted in the metrics, logged once per peer and
// reason, and the group keeps serving.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { readKeyFile } from '../../src/crypto/key-file.js';
import { ReplicaAuth } from '../../src/crypto/node-auth.js';
import { decodeEnvelope, encodeEnvelope, type WireEnvelope } from '../../src/transport/codec.js';
import { keyFilePath } from '../../src/transport/cluster-config.js';
import { STREAM_PATH } from '../../src/transport/grpc-service.js';
import type { Signed } from '../../src/pbft/types.js';
import type { BfsClient } from '../../src/client/bfs-client.js';
import { Group, metricValue, sleep } from './group-harness.js';
import { connectGroupClient, localClient, runSteps, workload } from './group-client.js';

const MAX_MESSAGE_BYTES = 256 * 1024;
const raw = (b: Buffer): Buffer => b;
const ATTACKER = 3; // its process is killed; the attacker holds its key (a Byzantine replica)

let group: Group;
let client: BfsClient;
const streams: grpc.ClientDuplexStream<Buffer, Buffer>[] = [];
const grpcClients: grpc.Client[] = [];

before(async () => {
  const args = ['--max-message-bytes', String(MAX_MESSAGE_BYTES)];
  group = await Group.start({ replicaArgs: { 0: args, 1: args, 2: args, 3: args } });
  group.kill(ATTACKER);
  client = await connectGroupClient(group.configPath, group.clientKeyPaths[0]);
});

after(async () => {
  for (const s of streams) s.cancel();
  for (const c of grpcClients) c.close();
  await client?.close();
  group?.stop();
});

/** A raw Stream to replica `id`; collects what the replica sends on it. */
function openStream(id: number): { stream: grpc.ClientDuplexStream<Buffer, Buffer>; received: Buffer[] } {
  const c = new grpc.Client(group.address(id), grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1 });
  grpcClients.push(c);
  const stream = c.makeBidiStreamRequest(STREAM_PATH, raw, raw);
  const received: Buffer[] = [];
  stream.on('data', (b: Buffer) => received.push(b));
  stream.on('error', () => {});
  streams.push(stream);
  return { stream, received };
}

const wire = (e: WireEnvelope): Buffer => Buffer.from(encodeEnvelope(e));

async function drops(id: number, reason: string): Promise<number> {
  return metricValue(await group.scrape(id), 'bfs_messages_dropped_total', { reason });
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (await check()) return;
    await sleep(250);
  }
  assert.fail(`timed out waiting for ${what}`);
}

function logLines(id: number, reason: string): string[] {
  return group.log(id).split('\n').filter((l) => l.includes(`"reason":"${reason}"`) && l.includes('dropped a message'));
}

test('garbage, wrong-key signatures, replays and oversize messages are dropped, counted, logged once; the group keeps serving', { timeout: 300_000 }, async () => {
  await group.explain(attack);
});

async function attack(): Promise<void> {
  const steps = workload(21, 40);
  const expected = await runSteps(localClient(), steps);
  // Some traffic first, so there are old protocol messages to replay.
  assert.deepEqual(await runSteps(client, steps.slice(0, 15)), expected.slice(0, 15));

  const auth = new ReplicaAuth({ config: group.config, key: readKeyFile(keyFilePath(group.dir, ATTACKER)) });
  // Authenticate as the (Byzantine) replica 3 to replica 1: replica 1 then also sends us its genuine signed messages.
  const hello = wire({ type: 'hello', hello: auth.makeHello(1, Date.now()) });
  const a = openStream(1);
  a.stream.write(hello);
  // A garbage-first stream and a replayed hello from an unauthenticated peer.
  openStream(1).stream.write(Buffer.from('not a protobuf at all \xff\xfe'));
  await eventually(async () => (await drops(1, 'hello-malformed')) >= 1, 'hello-malformed counted');
  openStream(1).stream.write(hello);
  await eventually(async () => (await drops(1, 'hello-replayed')) >= 1, 'hello-replayed counted');

  const forged: Signed = auth.seal({ type: 'prepare', prepare: { view: 0, seq: 1, digest: new Uint8Array(32), replica: 0 } });
  forged.signer = 0; // claims to be replica 0, signed with replica 3's key
  for (let i = 0; i < 2; i++) {
    a.stream.write(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x01, 0x02]));
    a.stream.write(wire({ type: 'signed', signed: forged }));
    a.stream.write(Buffer.alloc(MAX_MESSAGE_BYTES + 1000, 1));
  }
  await eventually(async () => (await drops(1, 'malformed')) >= 2 && (await drops(1, 'bad-signature')) >= 2 && (await drops(1, 'oversize')) >= 2,
    'malformed, bad-signature and oversize counted twice each');
  for (const reason of ['malformed', 'bad-signature', 'oversize']) {
    const lines = logLines(1, reason);
    assert.equal(lines.length, 1, `one log line for ${reason}: ${lines.join('\n')}`);
    assert.match(lines[0], new RegExp(`"peer":${ATTACKER}`), `the log names the peer: ${lines[0]}`);
  }
  assert.equal(logLines(1, 'hello-malformed').length, 1);

  // Replay replica 1's genuine old protocol messages (captured on our stream) to replica 2.
  // Some traffic while our stream is open, so replica 1 has protocol messages to send us.
  assert.deepEqual(await runSteps(client, steps.slice(15, 20)), expected.slice(15, 20));
  const signedOnStream = (): Extract<WireEnvelope, { type: 'signed' }>[] =>
    a.received.map((b) => decodeEnvelope(new Uint8Array(b))).filter((e): e is Extract<WireEnvelope, { type: 'signed' }> => e?.type === 'signed');
  await eventually(async () => signedOnStream().some((e) => ['prepare', 'commit'].includes(protocolType(e.signed))), 'replica 1 sent us protocol messages');
  const captured = signedOnStream();
  const before2 = await group.status(2);
  const b = openStream(2);
  b.stream.write(wire({ type: 'hello', hello: auth.makeHello(2, Date.now()) }));
  await sleep(500);
  const droppedBefore = await totalCoreDrops(2);
  const oldOnes = captured.filter((e) => ['prepare', 'commit'].includes(protocolType(e.signed)));
  for (const e of oldOnes) b.stream.write(wire(e));
  await eventually(async () => (await totalCoreDrops(2)) >= droppedBefore + oldOnes.length, `${oldOnes.length} replayed messages dropped by replica 2's core`);
  assert.ok(((await group.status(2))?.lastExecuted ?? 0) >= (before2?.lastExecuted ?? 0), 'replays do not roll replica 2 back');

  // Still serving, with the same results as a lone tree.
  const rest = await runSteps(client, steps.slice(20));
  assert.deepEqual(rest, expected.slice(20));
}

function protocolType(signed: Signed): string {
  // The body is an encoded ProtocolMessage; its first tag byte names the oneof field: 2 = prepare (0x12), 3 = commit (0x1a).
  return signed.body[0] === 0x12 ? 'prepare' : signed.body[0] === 0x1a ? 'commit' : 'other';
}

/** Drops reported by the core (not the transport): reasons the core gives for old or duplicate messages. */
async function totalCoreDrops(id: number): Promise<number> {
  const text = await group.scrape(id);
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^bfs_messages_dropped_total\{reason="([^"]+)"[^}]*\} (\S+)$/.exec(line);
    if (m && !['malformed', 'bad-signature', 'oversize', 'hello-malformed', 'hello-replayed', 'not-authenticated', 'queue-full', 'unknown-peer'].includes(m[1])) sum += Number(m[2]);
  }
  return sum;
}
