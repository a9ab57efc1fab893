import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue } from '../../src/sim/event-queue.js';
import { Prng } from '../../src/sim/prng.js';

test('pops in time order, ties in insertion order', () => {
  const q = new EventQueue<string>();
  q.push(5, 'e');
  q.push(1, 'a');
  q.push(3, 'c1');
  q.push(3, 'c2');
  q.push(3, 'c3');
  q.push(0, 'z');
  const out: string[] = [];
  for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.event);
  assert.deepEqual(out, ['z', 'a', 'c1', 'c2', 'c3', 'e']);
  assert.equal(q.size, 0);
});

test('matches a stable sort on random input', () => {
  const p = new Prng(3);
  const q = new EventQueue<number>();
  const items: { t: number; i: number }[] = [];
  for (let i = 0; i < 500; i++) {
    const t = p.int(0, 50);
    items.push({ t, i });
    q.push(t, i);
  }
  const expected = [...items].sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i);
  const got: number[] = [];
  for (let e = q.pop(); e !== undefined; e = q.pop()) got.push(e.event);
  assert.deepEqual(got, expected);
});
