import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientAuth, ReplicaAuth } from '../../src/crypto/node-auth.js';
import { nobleProvider } from '../../src/crypto/noble.js';
import { generateCluster } from '../../src/transport/cluster-config.js';
import type { KeyFile } from '../../src/crypto/key-file.js';
import type { ProtocolMessage, Reply } from '../../src/pbft/types.js';

const { config, keys } = generateCluster({ replicas: 4, clients: 2 });
const key = (id: number): KeyFile => keys.get(id) as KeyFile;
const replicas = [0, 1, 2, 3].map((id) => new ReplicaAuth({ config, key: key(id) }));
const client = new ClientAuth({ config, key: key(1000) });
const other = new ClientAuth({ config, key: key(1001), provider: nobleProvider });
// A signed type (stable-checkpoint proofs must convince third replicas).
const checkpoint: ProtocolMessage = { type: 'checkpoint', checkpoint: { seq: 128, stateDigest: new Uint8Array(32).fill(1), replica: 2 } };

test('seal/open: any replica or client verifies a replica signature; forgeries are null', () => {
  const signed = replicas[2].seal(checkpoint);
  assert.equal(signed.signer, 2);
  assert.equal(signed.sig.length, 64, 'an Ed25519 signature');
  for (const auth of [...replicas, client, other]) assert.deepEqual(auth.open(signed)?.type, 'checkpoint');
  assert.equal(replicas[0].open({ ...signed, signer: 1 }), null, 'wrong signer');
  assert.equal(replicas[0].open({ ...signed, signer: 1000 }), null, 'a client is not a replica signer');
  const body = Uint8Array.from(signed.body); body[body.length - 1] ^= 1;
  assert.equal(replicas[0].open({ ...signed, body }), null, 'tampered body');
  const garbage = { body: new Uint8Array([0xff, 0xff]), signer: 2, sig: new Uint8Array(64) };
  assert.equal(replicas[0].open(garbage), null);
  // A validly signed but undecodable body is still null.
  const evil = new ReplicaAuth({ config, key: key(3) });
  const sig = nobleProvider.sign(key(3).identity.ed25519Secret, garbage.body);
  assert.equal(evil.open({ body: garbage.body, signer: 3, sig }), null);
});

test('normal-case messages carry an authenticator: every replica checks its own entry, itself included; forgeries are null', () => {
  const digest = new Uint8Array(32).fill(1);
  for (const m of [
    { type: 'prePrepare', prePrepare: { view: 0, seq: 1, digest, timeMs: 5, requests: [] } },
    { type: 'prepare', prepare: { view: 0, seq: 1, digest, replica: 2 } },
  ] satisfies ProtocolMessage[]) {
    const sealed = replicas[2].seal(m);
    assert.equal(sealed.sig.length, 4 * 32, `${m.type}: one HMAC-SHA256 per replica`);
    for (const auth of replicas) assert.equal(auth.open(sealed)?.type, m.type);
    assert.equal(client.open(sealed), null, `${m.type}: a client holds no entry`);
  }
  const commit: ProtocolMessage = { type: 'commit', commit: { view: 0, seq: 1, digest, replica: 2 } };
  const sealed = replicas[2].seal(commit);
  assert.equal(sealed.sig.length, 4 * 32, 'one HMAC-SHA256 per replica');
  for (const auth of replicas) assert.equal(auth.open(sealed)?.type, 'commit');
  const viaNoble = new ReplicaAuth({ config, key: key(1), provider: nobleProvider });
  assert.equal(viaNoble.open(sealed)?.type, 'commit', 'the noble provider derives the same keys');
  assert.equal(client.open(sealed), null, 'a client holds no entry');
  assert.equal(replicas[0].open({ ...sealed, signer: 1 }), null, 'another signer: another key');
  const body = Uint8Array.from(sealed.body); body[body.length - 1] ^= 1;
  for (const auth of replicas) assert.equal(auth.open({ ...sealed, body }), null, 'tampered body');
  const sig = Uint8Array.from(sealed.sig); sig[32] ^= 1;   // replica 1's entry
  assert.equal(replicas[1].open({ ...sealed, sig }), null, 'a bad entry fails its replica');
  assert.equal(replicas[0].open({ ...sealed, sig })?.type, 'commit', '...and only that one');
  assert.equal(replicas[0].open({ ...sealed, sig: sealed.sig.subarray(0, 96) }), null, 'short authenticator');
  // The type decides the scheme: a signed COMMIT and an authenticated CHECKPOINT are both refused.
  const signedCommit = { body: sealed.body, signer: 2, sig: nobleProvider.sign(key(2).identity.ed25519Secret, sealed.body) };
  assert.equal(replicas[0].open(signedCommit), null);
  const cpBody = replicas[2].seal(checkpoint).body;
  const authenticator = (replicas[2] as unknown as { authenticator(body: Uint8Array): Uint8Array }).authenticator(cpBody);
  assert.equal(replicas[0].open({ body: cpBody, signer: 2, sig: authenticator }), null);
  const forgedCheckpoint = { body: cpBody, signer: 2, sig: new Uint8Array(128) };
  assert.equal(replicas[0].open(forgedCheckpoint), null);
});

test('requests: every replica accepts its MAC entry; tampering, missing entries, unknown clients fail', () => {
  const req = { client: 1000, timestamp: 5, op: new Uint8Array([1, 2]), readOnly: false, replier: 0 };
  const auth = client.sealRequest(req);
  assert.equal(auth.macs.length, 4);
  for (const r of replicas) assert.deepEqual(r.openRequest(auth)?.timestamp, 5);
  const broken = { ...auth, macs: auth.macs.map((m, i) => (i === 1 ? new Uint8Array(32) : m)) };
  assert.equal(replicas[1].openRequest(broken), null);
  assert.notEqual(replicas[0].openRequest(broken), null, 'one bad entry only fails that replica');
  assert.equal(replicas[3].openRequest({ ...auth, macs: auth.macs.slice(0, 3) }), null);
  // Client 1001 claiming to be 1000: its MACs are keyed for 1001.
  const spoof = other.sealRequest(req);
  for (const r of replicas) assert.equal(r.openRequest(spoof), null);
  assert.equal(replicas[0].openRequest({ request: new Uint8Array([0xff]), macs: auth.macs }), null);
});

test('replies: the client accepts MACed replies for itself only', () => {
  const reply: Reply = { view: 0, timestamp: 5, client: 1000, replica: 2, tentative: false, result: new Uint8Array([7]), resultDigest: new Uint8Array(32), full: true };
  const sealed = replicas[2].sealReply(reply);
  assert.equal(client.openReply(sealed)?.replica, 2);
  assert.equal(other.openReply(sealed), null, 'not for this client');
  const lying = replicas[1].sealReply(reply);   // replica 1 claims to be replica 2
  assert.equal(client.openReply(lying), null);
  assert.equal(client.openReply({ reply: sealed.reply, mac: new Uint8Array(32) }), null);
});

test('hellos: accepted from known nodes to the right target, within the skew', () => {
  const now = 1_764_000_000_000;
  const hello = client.makeHello(1, now);
  assert.equal(replicas[1].openHello(hello, now + 100, 30_000), 1000);
  assert.equal(replicas[2].openHello(hello, now, 30_000), 'hello-wrong-target');
  assert.equal(replicas[1].openHello(hello, now + 60_000, 30_000), 'hello-stale');
  assert.equal(replicas[1].openHello({ body: hello.body, sig: new Uint8Array(64) }, now, 30_000), 'hello-bad-signature');
  assert.equal(replicas[1].openHello({ body: new Uint8Array([0xff]), sig: hello.sig }, now, 30_000), 'hello-malformed');
  assert.equal(replicas[0].openHello(replicas[0].makeHello(0, now), now, 30_000), 'hello-unknown-node');
});

test('a key that does not match the cluster file is refused at construction', () => {
  assert.throws(() => new ReplicaAuth({ config, key: { id: 0, identity: key(1).identity } }), /does not match/);
  assert.throws(() => new ReplicaAuth({ config, key: key(1000) }), /not a replica/);
  assert.throws(() => new ClientAuth({ config, key: key(0) }), /not a client/);
});

test('a verified signature is remembered, but only for the exact body it covers', () => {
  const auth = new ReplicaAuth({ config, key: key(0) });
  const signed = replicas[1].seal(checkpoint);
  assert.ok(auth.verifySigned(signed));
  assert.ok(auth.verifySigned({ ...signed, body: Uint8Array.from(signed.body) }), 'same bytes in another array');
  const body = Uint8Array.from(signed.body); body[3] ^= 1;
  assert.equal(auth.verifySigned({ ...signed, body }), false, 'a cached signature does not vouch for other bytes');
  assert.equal(auth.verifySigned({ ...signed, signer: 2 }), false, 'nor for another signer');
  assert.equal(auth.verifySigned({ ...signed, body: signed.body.subarray(1) }), false);
});

test('mutating a verified body in place does not make the mutated bytes verify', () => {
  const auth = new ReplicaAuth({ config, key: key(0) });
  const signed = replicas[2].seal(checkpoint);
  const body = Uint8Array.from(signed.body);
  assert.ok(auth.verifySigned({ ...signed, body }));
  body[2] ^= 1;
  assert.equal(auth.verifySigned({ ...signed, body }), false);
});
