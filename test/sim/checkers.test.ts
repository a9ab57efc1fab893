import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgreementChecker, CheckpointChecker, checkLinearizable, checkLiveness, type OpRecord, type Violation } from '../../src/sim/checkers.js';
import type { KvOp, KvResult } from '../../src/sim/kv-machine.js';

function collect(): { list: Violation[]; report: (v: Violation) => void } {
  const list: Violation[] = [];
  return { list, report: (v) => list.push(v) };
}

test('agreement: prefixes of one order pass; a different op at a position fails', () => {
  const { list, report } = collect();
  const c = new AgreementChecker(report);
  for (const id of ['a', 'b', 'c']) c.onExecute(0, id, false);
  for (const id of ['a', 'b']) c.onExecute(1, id, false);
  assert.equal(list.length, 0);
  c.onExecute(1, 'x', false);
  assert.equal(list.length, 1);
  assert.equal(list[0].checker, 'agreement');
  assert.match(list[0].message, /position 2/);
});

test('agreement: an op executed twice is an exactly-once violation', () => {
  const { list, report } = collect();
  const c = new AgreementChecker(report);
  c.onExecute(0, 'a', false);
  c.onExecute(0, 'a', false);
  assert.equal(list[0]?.checker, 'exactly-once');
});

test('agreement: rolled-back tentative executions do not count, committed ones do', () => {
  const { list, report } = collect();
  const c = new AgreementChecker(report);
  c.onExecute(0, 'a', false);
  c.onExecute(1, 'a', false);
  c.onExecute(0, 'x', true);
  c.onRollbackTentative(0);
  c.onExecute(1, 'b', true);
  c.onCommitTentative(1);
  c.onExecute(0, 'b', false);
  assert.equal(list.length, 0);
  assert.deepEqual(c.order, ['a', 'b']);
  c.onExecute(0, 'y', true);
  c.onCommitTentative(0);
  c.onExecute(1, 'z', false);
  assert.equal(list.length, 1);
});

test('agreement: different batch digests at one seq fail', () => {
  const { list, report } = collect();
  const c = new AgreementChecker(report);
  c.onBatch(0, 1, 'aa');
  c.onBatch(1, 1, 'aa');
  assert.equal(list.length, 0);
  c.onBatch(2, 1, 'bb');
  assert.equal(list.length, 1);
});

test('checkpoint: differing state digests at one seq fail', () => {
  const { list, report } = collect();
  const c = new CheckpointChecker(report);
  c.onCheckpoint(0, 4, new Uint8Array([1]));
  c.onCheckpoint(1, 4, new Uint8Array([1]));
  c.onCheckpoint(1, 8, new Uint8Array([3]));
  assert.equal(list.length, 0);
  c.onCheckpoint(2, 4, new Uint8Array([2]));
  assert.equal(list[0]?.checker, 'checkpoint');
});

function rec(op: KvOp, invokeMs: number, responseMs?: number, result?: KvResult): OpRecord {
  return { op, client: 1000, invokeMs, responseMs, result };
}

const put = (id: string, value: string): KvOp => ({ kind: 'put', id, key: 'k', value });
const get = (id: string): KvOp => ({ kind: 'get', id, key: 'k' });

test('linearizability: a correct history passes', () => {
  const ops = new Map<string, OpRecord>([
    ['w1', rec(put('w1', 'x'), 0, 10, { ok: true, value: null })],
    ['r1', rec(get('r1'), 5, 8, { ok: true, value: null })],       // concurrent with w1: may see the old value
    ['w2', rec(put('w2', 'y'), 20, 30, { ok: true, value: 'x' })],
    ['r2', rec(get('r2'), 25, 40, { ok: true, value: 'x' })],       // concurrent with w2
    ['r3', rec(get('r3'), 50, 60, { ok: true, value: 'y' })],
    ['w3', rec(put('w3', 'z'), 70)],                               // never completed
  ]);
  assert.deepEqual(checkLinearizable(['w1', 'w2', 'w3'], ops), []);
});

test('linearizability: a wrong update result fails', () => {
  const ops = new Map([['w1', rec(put('w1', 'x'), 0, 10, { ok: true, value: 'bogus' })]]);
  const v = checkLinearizable(['w1'], ops);
  assert.equal(v.length, 1);
  assert.equal(v[0].checker, 'linearizability');
});

test('linearizability: a stale read fails', () => {
  const ops = new Map<string, OpRecord>([
    ['w1', rec(put('w1', 'x'), 0, 10, { ok: true, value: null })],
    ['r1', rec(get('r1'), 20, 30, { ok: true, value: null })],
  ]);
  assert.equal(checkLinearizable(['w1'], ops).length, 1);
});

test('linearizability: reads may not go back in time', () => {
  const ops = new Map<string, OpRecord>([
    ['w1', rec(put('w1', 'x'), 0, 100, { ok: true, value: null })],
    ['r1', rec(get('r1'), 10, 20, { ok: true, value: 'x' })],
    ['r2', rec(get('r2'), 30, 40, { ok: true, value: null })],
  ]);
  assert.equal(checkLinearizable(['w1'], ops).length, 1);
});

test('linearizability: an order that breaks real time fails', () => {
  const ops = new Map<string, OpRecord>([
    ['w1', rec(put('w1', 'x'), 0, 10, { ok: true, value: 'y' })],
    ['w2', rec(put('w2', 'y'), 20, 30, { ok: true, value: null })],
  ]);
  // w2 ordered first although it started after w1 completed; results match that order.
  assert.ok(checkLinearizable(['w2', 'w1'], ops).some((v) => /invoked after/.test(v.message)));
});

test('linearizability: a completed update missing from the committed order fails', () => {
  const ops = new Map([['w1', rec(put('w1', 'x'), 0, 10, { ok: true, value: null })]]);
  assert.equal(checkLinearizable([], ops).length, 1);
});

test('liveness: pending ops are reported', () => {
  const ops = new Map([['w1', rec(put('w1', 'x'), 0)], ['w2', rec(put('w2', 'y'), 0, 5, { ok: true, value: null })]]);
  assert.equal(checkLiveness(ops, 100, 200).length, 1);
  ops.delete('w1');
  assert.deepEqual(checkLiveness(ops, 100, 200), []);
});
