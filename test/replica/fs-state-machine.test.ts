import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FsStateMachine, identityPolicy } from '../../src/replica/fs-state-machine.js';
import { EINVAL, EPERM, type FsRequest } from '../../src/fs/types.js';
import { decodeResult, encodeOp, jsonCodec, RecordingTree } from './fakes.js';

const policy = identityPolicy([{ id: 1000, uids: 'any' }, { id: 1001, uids: [500] }]);
const mkdir = (uid: number): FsRequest => ({ cred: { uid, gid: uid, groups: [] }, op: 'mkdir', mkdir: { dir: { ino: 1, gen: 0 }, name: 'd', mode: 0o755 } });
const getattr = (uid: number): FsRequest => ({ cred: { uid, gid: uid, groups: [] }, op: 'getattr', getattr: { fh: { ino: 1, gen: 0 } } });

function setup(): { tree: RecordingTree; sm: FsStateMachine } {
  const tree = new RecordingTree();
  return { tree, sm: new FsStateMachine(tree, policy, jsonCodec) };
}

test('execute applies the op at the agreed time as the requested uid', () => {
  const { tree, sm } = setup();
  assert.equal(decodeResult(sm.execute(encodeOp(mkdir(0)), 1000, 1234)).errno, 0);
  assert.equal(decodeResult(sm.execute(encodeOp(mkdir(500)), 1001, 1300)).errno, 0);
  assert.deepEqual(tree.calls, ['apply mkdir uid=0 t=1234', 'apply mkdir uid=500 t=1300']);
});

test('a client acting as a uid it may not use gets EPERM and the tree is untouched', () => {
  const { tree, sm } = setup();
  assert.equal(decodeResult(sm.execute(encodeOp(mkdir(0)), 1001, 1)).errno, EPERM);
  assert.equal(decodeResult(sm.query(encodeOp(getattr(0)), 1001)).errno, EPERM);
  assert.equal(decodeResult(sm.execute(encodeOp(mkdir(0)), 4242, 1)).errno, EPERM, 'unknown client');
  assert.deepEqual(tree.calls, []);
});

test('undecodable op bytes give EINVAL, not an exception', () => {
  const { tree, sm } = setup();
  assert.equal(decodeResult(sm.execute(new Uint8Array([0xff, 0x00, 0x13]), 1000, 1)).errno, EINVAL);
  assert.equal(decodeResult(sm.query(new Uint8Array([0xff]), 1000)).errno, EINVAL);
  assert.deepEqual(tree.calls, []);
});

test('query serves read-only ops and refuses mutating ones', () => {
  const { tree, sm } = setup();
  assert.equal(decodeResult(sm.query(encodeOp(getattr(0)), 1000)).errno, 0);
  assert.equal(decodeResult(sm.query(encodeOp(mkdir(0)), 1000)).errno, EINVAL);
  assert.deepEqual(tree.calls, ['query getattr']);
});

test('digest and tentative hooks pass through to the tree', () => {
  const { tree, sm } = setup();
  sm.beginTentative();
  sm.rollbackTentative();
  sm.beginTentative();
  sm.commitTentative();
  assert.deepEqual(tree.calls, ['begin', 'rollback', 'begin', 'commit']);
  assert.deepEqual(sm.digest(), new Uint8Array([4]));
});
