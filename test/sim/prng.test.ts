import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/sim/prng.js';

test('the same seed gives the same stream, different seeds differ', () => {
  const a = new Prng(42);
  const b = new Prng(42);
  const c = new Prng(43);
  const xs = Array.from({ length: 100 }, () => a.nextU32());
  assert.deepEqual(Array.from({ length: 100 }, () => b.nextU32()), xs);
  assert.notDeepEqual(Array.from({ length: 100 }, () => c.nextU32()), xs);
});

test('int stays in its inclusive range and hits both ends', () => {
  const p = new Prng(7);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = p.int(3, 6);
    assert.ok(v >= 3 && v <= 6);
    seen.add(v);
  }
  assert.deepEqual([...seen].sort(), [3, 4, 5, 6]);
});

test('next is in [0, 1) and roughly uniform', () => {
  const p = new Prng(1);
  let low = 0;
  for (let i = 0; i < 10000; i++) {
    const v = p.next();
    assert.ok(v >= 0 && v < 1);
    if (v < 0.5) low++;
  }
  assert.ok(low > 4700 && low < 5300, `low half ${low}`);
});

test('chance(0) never fires; pick refuses an empty list', () => {
  const p = new Prng(9);
  for (let i = 0; i < 100; i++) assert.equal(p.chance(0), false);
  assert.throws(() => p.pick([]));
});

test('forks are deterministic and independent of later draws on the parent', () => {
  const a = new Prng(5);
  const b = new Prng(5);
  const fa = a.fork();
  const fb = b.fork();
  a.nextU32();
  assert.equal(fa.nextU32(), fb.nextU32());
});
