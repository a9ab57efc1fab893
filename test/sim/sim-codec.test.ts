import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeValue, encodeValue } from '../../src/sim/sim-codec.js';
import { Prng } from '../../src/sim/prng.js';

const sample = {
  type: 'prePrepare',
  prePrepare: { view: 3, seq: 17, digest: new Uint8Array([1, 2, 3]), timeMs: 1.5, requests: [{ request: new Uint8Array([9]), macs: [] }] },
  flag: false,
  none: null,
  text: 'héllo',
};

test('round-trips nested values with bytes', () => {
  assert.deepEqual(decodeValue(encodeValue(sample)), sample);
});

test('key order does not change the bytes; undefined fields are omitted', () => {
  assert.deepEqual(encodeValue({ a: 1, b: 'x' }), encodeValue({ b: 'x', a: 1 }));
  assert.deepEqual(encodeValue({ a: 1, c: undefined }), encodeValue({ a: 1 }));
  assert.notDeepEqual(encodeValue({ a: 1 }), encodeValue({ a: 2 }));
});

test('every truncation and trailing garbage decode to undefined', () => {
  const bytes = encodeValue(sample);
  for (let len = 0; len < bytes.length; len++) assert.equal(decodeValue(bytes.slice(0, len)), undefined, `prefix ${len}`);
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  assert.equal(decodeValue(longer), undefined);
});

test('random bytes never throw', () => {
  const p = new Prng(11);
  for (let i = 0; i < 2000; i++) decodeValue(p.bytes(p.int(0, 40)));
  const deep = new Uint8Array(200).fill(6);
  assert.equal(decodeValue(deep), undefined);
});
