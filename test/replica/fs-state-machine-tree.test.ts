// The adapter over the real FileTree and the real protobuf codec: two replicas
// fed the same ops produce byte-identical results and digests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FileTree, ROOT_HANDLE } from '../../src/fs/file-tree.js';
import { EPERM, type FsRequest } from '../../src/fs/types.js';
import { FsStateMachine, identityPolicy } from '../../src/replica/fs-state-machine.js';
import { decodeFsResult, encodeFsRequest } from '../../src/transport/codec.js';

const sha256 = (d: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(d).digest());
const policy = identityPolicy([{ id: 1000, uids: 'any' }, { id: 1001, uids: [500] }]);
const root = { uid: 0, gid: 0, groups: [] };

function machine(): FsStateMachine {
  return new FsStateMachine(new FileTree({ hash: sha256 }), policy);
}

const ops: FsRequest[] = [
  { cred: root, op: 'mkdir', mkdir: { dir: ROOT_HANDLE, name: 'docs', mode: 0o777 } },
  { cred: root, op: 'create', create: { dir: ROOT_HANDLE, name: 'a.txt', mode: 0o644, exclusive: true, truncate: false } },
  { cred: root, op: 'mkdir', mkdir: { dir: ROOT_HANDLE, name: 'docs', mode: 0o755 } },
  { cred: root, op: 'lookup', lookup: { dir: ROOT_HANDLE, name: 'a.txt' } },
  { cred: root, op: 'readdir', readdir: { dir: ROOT_HANDLE, cookie: 0, count: 100 } },
];

test('same ops on two machines: identical result bytes and digests; time comes from the agreed time', () => {
  const a = machine();
  const b = machine();
  ops.forEach((op, i) => {
    const ra = a.execute(encodeFsRequest(op), 1000, 1_700_000_000_000 + i);
    const rb = b.execute(encodeFsRequest(op), 1000, 1_700_000_000_000 + i);
    assert.deepEqual(ra, rb, `op ${i} (${op.op})`);
  });
  assert.deepEqual(a.digest(), b.digest());
  const created = decodeFsResult(a.execute(encodeFsRequest(ops[1]), 1000, 1_700_000_000_100));
  assert.equal(created?.errno, 17, 'second exclusive create: EEXIST');
  const mkdir = decodeFsResult(a.query(encodeFsRequest({ cred: root, op: 'lookup', lookup: { dir: ROOT_HANDLE, name: 'docs' } }), 1000));
  assert.equal(mkdir?.errno, 0);
  assert.equal(mkdir?.res === 'lookup' && mkdir.lookup.attr.mtime.sec, 1_700_000_000);
});

test('a client limited to uid 500 cannot act as root; the state does not change', () => {
  const sm = machine();
  const before = sm.digest();
  const res = decodeFsResult(sm.execute(encodeFsRequest(ops[0]), 1001, 1));
  assert.equal(res?.errno, EPERM);
  assert.deepEqual(sm.digest(), before);
});

test('tentative execution rolls back to the exact previous digest', () => {
  const sm = machine();
  sm.execute(encodeFsRequest(ops[0]), 1000, 10);
  const before = sm.digest();
  sm.beginTentative();
  sm.execute(encodeFsRequest(ops[1]), 1000, 11);
  assert.notDeepEqual(sm.digest(), before);
  sm.rollbackTentative();
  assert.deepEqual(sm.digest(), before);
});
