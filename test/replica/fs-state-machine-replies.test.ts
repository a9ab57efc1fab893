// FsStateMachine keeps the last reply per client in the replicated tree, so a
// replica that caught up by state transfer can rebuild its reply cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FileTree, ROOT_HANDLE } from '../../src/fs/index.js';
import { FsStateMachine, identityPolicy } from '../../src/replica/fs-state-machine.js';
import { CheckpointingMachine } from '../../src/replica/state-transfer-machine.js';
import { encodeFsRequest } from '../../src/transport/codec.js';

const sha256 = (d: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(d).digest());
const policy = identityPolicy([{ id: 1000, uids: 'any' }, { id: 1001, uids: 'any' }]);
const root = { uid: 0, gid: 0, groups: [] };
const mkdir = (name: string): Uint8Array => encodeFsRequest({ cred: root, op: 'mkdir', mkdir: { dir: ROOT_HANDLE, name, mode: 0o755 } });

// Every partition of `src` exported into a fresh tree (a full state transfer).
function transferAll(src: FileTree): FileTree {
  const dst = new FileTree({ hash: sha256 });
  const listing = src.partitions();
  const expected = new Map(listing.map((p) => [p.index, p.digest]));
  for (const i of dst.diffPartitions(listing)) dst.importPartition(i, src.exportPartition(i), expected.get(i) ?? new Uint8Array(32));
  return dst;
}

test('after a transfer into a fresh tree, lastReplies() returns what was recorded', () => {
  const tree = new FileTree({ hash: sha256 });
  const sm = new FsStateMachine(tree, policy);
  const r1 = sm.execute(mkdir('a'), 1000, 1_000);
  sm.recordReply(1000, 5, r1);
  const r2 = sm.execute(mkdir('b'), 1001, 1_001);
  sm.recordReply(1001, 9, r2);
  const fresh = new FsStateMachine(transferAll(tree), policy);
  assert.deepEqual([...fresh.lastReplies()], [{ client: 1000, timestamp: 5, result: new Uint8Array(r1) }, { client: 1001, timestamp: 9, result: new Uint8Array(r2) }]);
  assert.deepEqual(fresh.digest(), sm.digest());
});

test('a rolled-back tentative batch takes its recorded replies with it', () => {
  const sm = new FsStateMachine(new FileTree({ hash: sha256 }), policy);
  sm.beginTentative();
  sm.recordReply(1000, 1, sm.execute(mkdir('a'), 1000, 1_000));
  sm.rollbackTentative();
  assert.deepEqual([...sm.lastReplies()], []);
});

test('the checkpoint tree replays the recorded replies, so it serves them to lagging replicas', () => {
  const live = new FileTree({ hash: sha256 });
  const ck = new FileTree({ hash: sha256 });
  const m = new CheckpointingMachine(live, new FsStateMachine(live, policy), ck, new FsStateMachine(ck, policy));
  m.recordReply(1000, 3, m.execute(mkdir('a'), 1000, 1_000));
  m.checkpointTaken(1);
  m.checkpointStable(1);
  assert.deepEqual(ck.digest(), live.digest());
  assert.equal(ck.lastReplies()[0]?.timestamp, 3);
  assert.deepEqual([...m.lastReplies()], live.lastReplies());
});
