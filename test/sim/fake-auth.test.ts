import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClientAuth, SimKeys, SimReplicaAuth } from '../../src/sim/fake-auth.js';
import { Prng } from '../../src/sim/prng.js';
import type { ProtocolMessage, Reply, Request } from '../../src/pbft/types.js';

const keys = new SimKeys(new Prng(1));
const r0 = new SimReplicaAuth(keys, 0);
const r1 = new SimReplicaAuth(keys, 1);
const client = new SimClientAuth(keys, 1000, 4);
const prepare: ProtocolMessage = { type: 'prepare', prepare: { view: 0, seq: 1, digest: new Uint8Array([7]), replica: 0 } };

test('a sealed message opens at any replica', () => {
  const signed = r0.seal(prepare);
  assert.equal(signed.signer, 0);
  assert.deepEqual(r1.open(signed), prepare);
});

test('forgery is detected: another signer, a changed body, a changed signature', () => {
  const signed = r0.seal(prepare);
  assert.equal(r1.open({ ...signed, signer: 2 }), null);
  const body = signed.body.slice();
  body[body.length - 1] ^= 1;
  assert.equal(r1.open({ ...signed, body }), null);
  const sig = signed.sig.slice();
  sig[0] ^= 1;
  assert.equal(r1.open({ ...signed, sig }), null);
  assert.equal(r1.open({ ...signed, signer: -1 }), null);
});

test('a Byzantine replica cannot make a message that opens as another signer', () => {
  const mine = r0.seal(prepare);
  assert.equal(r1.open({ body: mine.body, signer: 3, sig: mine.sig }), null);
});

test('requests carry one MAC per replica; each replica checks its own', () => {
  const req: Request = { client: 1000, timestamp: 5, op: new Uint8Array([1]), readOnly: false, replier: -1 };
  const auth = client.sealRequest(req);
  assert.equal(auth.macs.length, 4);
  assert.deepEqual(r0.openRequest(auth), req);
  assert.deepEqual(r1.openRequest(auth), req);
  const broken = { request: auth.request, macs: [...auth.macs] };
  broken.macs[1] = auth.macs[0];
  assert.deepEqual(r0.openRequest(broken), req);
  assert.equal(r1.openRequest(broken), null);
  // A replica cannot pass off a request as coming from another client.
  const other: Request = { ...req, client: 1001 };
  const forged = new SimClientAuth(keys, 1000, 4).sealRequest(other);
  assert.equal(r0.openRequest(forged), null);
  assert.equal(r0.openRequest({ request: new Uint8Array([1, 2]), macs: auth.macs }), null);
});

test('reply MACs bind replica and client', () => {
  const reply: Reply = {
    view: 0, timestamp: 5, client: 1000, replica: 1, tentative: false,
    result: new Uint8Array([3]), resultDigest: r1.digest(new Uint8Array([3])), full: true,
  };
  const sealed = r1.sealReply(reply);
  assert.deepEqual(client.openReply(sealed), reply);
  // Replica 0 claiming to be replica 1:
  const lie = r0.sealReply(reply);
  assert.equal(client.openReply(lie), null);
  assert.equal(new SimClientAuth(keys, 1001, 4).openReply(sealed), null);
});
