import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOp, decodeResult, encodeOp, KvMachine, type KvOp } from '../../src/sim/kv-machine.js';

function run(m: KvMachine, op: KvOp): unknown {
  return decodeResult(m.execute(encodeOp(op), 1000, 0));
}

test('put, append, cas and get behave like a map', () => {
  const m = new KvMachine();
  assert.deepEqual(run(m, { kind: 'put', id: '1', key: 'a', value: 'x' }), { ok: true, value: null });
  assert.deepEqual(run(m, { kind: 'append', id: '2', key: 'a', value: 'y' }), { ok: true, value: 'xy' });
  assert.deepEqual(run(m, { kind: 'cas', id: '3', key: 'a', expect: 'zz', value: 'q' }), { ok: false, value: 'xy' });
  assert.deepEqual(run(m, { kind: 'cas', id: '4', key: 'a', expect: 'xy', value: 'q' }), { ok: true, value: 'q' });
  assert.deepEqual(decodeResult(m.query(encodeOp({ kind: 'get', id: '5', key: 'a' }), 1000)), { ok: true, value: 'q' });
  assert.deepEqual(decodeResult(m.query(encodeOp({ kind: 'put', id: '6', key: 'a', value: 'n' }), 1000)), { ok: false, value: 'bad-op' });
  assert.deepEqual(decodeResult(m.execute(new Uint8Array([1, 2, 3]), 1000, 0)), { ok: false, value: 'bad-op' });
});

test('ops round-trip and malformed ops decode to null', () => {
  const op: KvOp = { kind: 'cas', id: 'c1.0', key: 'k', expect: null, value: 'v' };
  assert.deepEqual(decodeOp(encodeOp(op)), op);
  assert.equal(decodeOp(new Uint8Array()), null);
});

test('equal histories give equal digests; different ones differ', () => {
  const a = new KvMachine();
  const b = new KvMachine();
  run(a, { kind: 'put', id: '1', key: 'a', value: 'x' });
  run(a, { kind: 'put', id: '2', key: 'b', value: 'y' });
  run(b, { kind: 'put', id: '2', key: 'b', value: 'y' });
  run(b, { kind: 'put', id: '1', key: 'a', value: 'x' });
  assert.deepEqual(a.digest(), b.digest());
  run(b, { kind: 'append', id: '3', key: 'a', value: '!' });
  assert.notDeepEqual(a.digest(), b.digest());
});

test('rollbackTentative restores the state, commitTentative keeps it; the observer sees both', () => {
  const seen: string[] = [];
  const m = new KvMachine({
    onExecute: (id, t) => seen.push(`${id}${t ? '?' : ''}`),
    onCommitTentative: () => seen.push('commit'),
    onRollbackTentative: () => seen.push('rollback'),
  });
  run(m, { kind: 'put', id: '1', key: 'a', value: 'x' });
  const before = m.digest();
  m.beginTentative();
  run(m, { kind: 'put', id: '2', key: 'a', value: 'y' });
  run(m, { kind: 'put', id: '3', key: 'b', value: 'z' });
  m.rollbackTentative();
  assert.deepEqual(m.digest(), before);
  assert.equal(m.size, 1);
  m.beginTentative();
  run(m, { kind: 'put', id: '4', key: 'b', value: 'w' });
  m.commitTentative();
  m.rollbackTentative();
  assert.equal(m.size, 2);
  assert.deepEqual(seen, ['1', '2?', '3?', 'rollback', '4?', 'commit']);
});

test('last replies are replicated state: in the digest, undone by rollback, carried by checkpoints', () => {
  const a = new KvMachine();
  const b = new KvMachine();
  const empty = a.digest();
  a.recordReply(1000, 3, new Uint8Array([1]));
  assert.notDeepEqual(a.digest(), empty);
  a.beginTentative();
  a.recordReply(1000, 4, new Uint8Array([2]));
  a.rollbackTentative();
  assert.deepEqual([...a.lastReplies()], [{ client: 1000, timestamp: 3, result: new Uint8Array([1]) }]);
  a.checkpointTaken(8);
  const cp = a.checkpointState(8);
  assert.ok(cp !== undefined);
  assert.deepEqual(KvMachine.digestOf(cp), a.digest());
  b.installCheckpoint(cp);
  assert.deepEqual(b.digest(), a.digest());
  assert.deepEqual([...b.lastReplies()], [...a.lastReplies()]);
});
