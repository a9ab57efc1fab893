// Cross-checks the native provider against the pure-JS noble oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeProvider, nobleProvider } from '../../src/crypto/providers.js';
import type { Identity } from '../../src/crypto/provider.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const messages = [new Uint8Array(0), bytes(1, 7), bytes(128, 3), bytes(4096, 9), bytes(70_000, 1)];

function identity(seed: number): Identity {
  return { ed25519Secret: bytes(32, seed), x25519Secret: bytes(32, seed + 100) };
}

test('sha256 and hmac agree between providers and with a known vector', () => {
  assert.equal(hex(nativeProvider.sha256(new TextEncoder().encode('abc'))),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  for (const m of messages) {
    assert.equal(hex(nativeProvider.sha256(m)), hex(nobleProvider.sha256(m)));
    const key = bytes(32, m.length);
    assert.equal(hex(nativeProvider.hmacSha256(key, m)), hex(nobleProvider.hmacSha256(key, m)));
  }
});

test('hmac: keys of any length, messages either side of the one-shot limit, a key reused across messages', () => {
  const keys = [new Uint8Array(0), bytes(32, 1), bytes(64, 2), bytes(65, 3), bytes(200, 4)];
  const lengths = [0, 55, 56, 63, 64, 4095, 4096, 4097, 9000];
  for (const key of keys) {
    for (const n of lengths) {
      const m = bytes(n, n + key.length);
      assert.equal(hex(nativeProvider.hmacSha256(key, m)), hex(nobleProvider.hmacSha256(key, m)), `key ${key.length} B, message ${n} B`);
    }
  }
});

test('public identities agree', () => {
  for (const seed of [1, 2, 3]) {
    const a = nativeProvider.publicIdentity(identity(seed));
    const b = nobleProvider.publicIdentity(identity(seed));
    assert.equal(hex(a.ed25519Public), hex(b.ed25519Public));
    assert.equal(hex(a.x25519Public), hex(b.x25519Public));
  }
});

test('Ed25519: same signature for the same seed, each verifies the other', () => {
  const id = identity(5);
  const pub = nobleProvider.publicIdentity(id).ed25519Public;
  for (const m of messages) {
    const s1 = nativeProvider.sign(id.ed25519Secret, m);
    const s2 = nobleProvider.sign(id.ed25519Secret, m);
    assert.equal(hex(s1), hex(s2));
    assert.ok(nativeProvider.verify(pub, m, s2));
    assert.ok(nobleProvider.verify(pub, m, s1));
  }
});

test('Ed25519: tampered message, signature or key fails in both, never throws', () => {
  const id = identity(6);
  const other = nativeProvider.publicIdentity(identity(7)).ed25519Public;
  const pub = nativeProvider.publicIdentity(id).ed25519Public;
  const m = bytes(100, 1);
  const sig = nativeProvider.sign(id.ed25519Secret, m);
  const flipped = Uint8Array.from(sig); flipped[10] ^= 1;
  const m2 = Uint8Array.from(m); m2[0] ^= 1;
  for (const p of [nativeProvider, nobleProvider]) {
    assert.equal(p.verify(pub, m2, sig), false, p.name);
    assert.equal(p.verify(pub, m, flipped), false, p.name);
    assert.equal(p.verify(other, m, sig), false, p.name);
    assert.equal(p.verify(pub, m, sig.subarray(0, 63)), false, p.name);
    assert.equal(p.verify(new Uint8Array(5), m, sig), false, p.name);
    assert.equal(p.verify(new Uint8Array(32).fill(0xff), m, sig), false, p.name);
  }
});

test('pairwise MAC keys: same on both sides and in both providers, distinct per pair', () => {
  const [a, b, c] = [identity(10), identity(11), identity(12)];
  const pa = nativeProvider.publicIdentity(a).x25519Public;
  const pb = nativeProvider.publicIdentity(b).x25519Public;
  const pc = nativeProvider.publicIdentity(c).x25519Public;
  const ab = nativeProvider.macKey(a.x25519Secret, pb);
  assert.equal(ab.length, 32);
  assert.equal(hex(ab), hex(nativeProvider.macKey(b.x25519Secret, pa)));
  assert.equal(hex(ab), hex(nobleProvider.macKey(a.x25519Secret, pb)));
  assert.equal(hex(ab), hex(nobleProvider.macKey(b.x25519Secret, pa)));
  assert.notEqual(hex(ab), hex(nativeProvider.macKey(a.x25519Secret, pc)));
});

test('generated identities are fresh and usable', () => {
  for (const p of [nativeProvider, nobleProvider]) {
    const id1 = p.generateIdentity();
    const id2 = p.generateIdentity();
    assert.notEqual(hex(id1.ed25519Secret), hex(id2.ed25519Secret));
    const pub = p.publicIdentity(id1);
    const m = bytes(10, 2);
    assert.ok(nativeProvider.verify(pub.ed25519Public, m, p.sign(id1.ed25519Secret, m)));
  }
});

test('getProvider selects by name, native by default', async () => {
  const { getProvider, providerNames } = await import('../../src/crypto/providers.js');
  assert.equal(getProvider().name, 'native');
  assert.deepEqual(providerNames.map((n) => getProvider(n).name), ['native', 'noble']);
});
