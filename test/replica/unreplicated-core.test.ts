import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnreplicatedCore } from '../../src/replica/unreplicated-core.js';
import { FsStateMachine, identityPolicy } from '../../src/replica/fs-state-machine.js';
import type { Input, Output, Request } from '../../src/pbft/types.js';
import type { FsRequest } from '../../src/fs/types.js';
import { encodeOp, jsonCodec, plainAuth, RecordingTree, replyOf } from './fakes.js';

const mkdir: FsRequest = { cred: { uid: 0, gid: 0, groups: [] }, op: 'mkdir', mkdir: { dir: { ino: 1, gen: 0 }, name: 'd', mode: 0o755 } };
const getattr: FsRequest = { cred: { uid: 0, gid: 0, groups: [] }, op: 'getattr', getattr: { fh: { ino: 1, gen: 0 } } };

function request(timestamp: number, op: FsRequest, readOnly = false): Input {
  const req: Request = { client: 1000, timestamp, op: encodeOp(op), readOnly, replier: -1 };
  return { type: 'request', auth: { request: new Uint8Array(), macs: [] }, request: req };
}
const replies = (outs: Output[]) => outs.filter((o): o is Extract<Output, { type: 'reply' }> => o.type === 'reply');

function setup(): { tree: RecordingTree; core: UnreplicatedCore } {
  const tree = new RecordingTree();
  return { tree, core: new UnreplicatedCore(new FsStateMachine(tree, identityPolicy([{ id: 1000, uids: 'any' }]), jsonCodec), plainAuth) };
}

test('executes a request on arrival at the latest clock reading and replies in full', () => {
  const { tree, core } = setup();
  core.step({ type: 'tick', nowMs: 5000 });
  const [r] = replies(core.step(request(1, mkdir)));
  const reply = replyOf(r.reply);
  assert.equal(r.client, 1000);
  assert.equal(reply.timestamp, 1);
  assert.equal(reply.full, true);
  assert.equal(reply.tentative, false);
  assert.deepEqual(JSON.parse(reply.result), { errno: 0 });
  assert.deepEqual(tree.calls, ['apply mkdir uid=0 t=5000']);
  assert.equal(core.status().lastExecuted, 1);
});

test('exactly once: a retransmission gets the cached reply, an older timestamp is dropped', () => {
  const { tree, core } = setup();
  const first = replies(core.step(request(7, mkdir)))[0];
  const again = replies(core.step(request(7, mkdir)))[0];
  assert.deepEqual(again.reply, first.reply);
  assert.equal(replies(core.step(request(3, mkdir))).length, 0);
  assert.equal(tree.calls.length, 1);
});

test('read-only requests are queried, not executed', () => {
  const { tree, core } = setup();
  assert.equal(replies(core.step(request(1, getattr, true))).length, 1);
  assert.deepEqual(tree.calls, ['query getattr']);
  assert.equal(core.status().lastExecuted, 0);
});

test('protocol messages are dropped with a reason', () => {
  const { core } = setup();
  const outs = core.step({ type: 'protocol', signed: { body: new Uint8Array(), signer: 2, sig: new Uint8Array() }, msg: { type: 'prepare', prepare: { view: 0, seq: 1, digest: new Uint8Array(), replica: 2 } } });
  assert.equal(outs.length, 1);
  assert.equal(outs[0].type === 'event' && outs[0].fields.reason, 'unreplicated');
});
