// Crypto micro-benchmark: ops/s per provider for the operations on the hot
// path. Run: node --import tsx bench/crypto-bench.ts [durationMs]
// The numbers back the signature-vs-MAC decision written in src/crypto/node-auth.ts.
import { nativeProvider, nobleProvider } from '../src/crypto/providers.js';
import type { CryptoProvider } from '../src/crypto/provider.js';

const durationMs = Number(process.argv[2] ?? 400);

function opsPerSecond(fn: () => void): number {
  for (let i = 0; i < 20; i++) fn();   // warm up (JIT, key caches)
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < 16; i++) fn();
    ops += 16;
    elapsed = performance.now() - start;
  }
  return (ops * 1000) / elapsed;
}

function row(p: CryptoProvider): Record<string, number> {
  const id = p.generateIdentity();
  const pub = p.publicIdentity(id);
  const msg = new Uint8Array(128).fill(7);
  const sig = p.sign(id.ed25519Secret, msg);
  const key = new Uint8Array(32).fill(1);
  const k4 = new Uint8Array(4096).fill(2);
  const k64 = new Uint8Array(65536).fill(3);
  return {
    'sign 128 B': opsPerSecond(() => p.sign(id.ed25519Secret, msg)),
    'verify 128 B': opsPerSecond(() => p.verify(pub.ed25519Public, msg, sig)),
    'HMAC 128 B': opsPerSecond(() => p.hmacSha256(key, msg)),
    'HMAC 4 KiB': opsPerSecond(() => p.hmacSha256(key, k4)),
    'SHA-256 128 B': opsPerSecond(() => p.sha256(msg)),
    'SHA-256 4 KiB': opsPerSecond(() => p.sha256(k4)),
    'SHA-256 64 KiB': opsPerSecond(() => p.sha256(k64)),
  };
}

const fmt = (n: number): string => n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0);
const rows = { native: row(nativeProvider), noble: row(nobleProvider) };
console.log('| op (ops/s) | native | noble |');
console.log('|---|---|---|');
for (const op of Object.keys(rows.native)) console.log(`| ${op} | ${fmt(rows.native[op])} | ${fmt(rows.noble[op])} |`);

// The wire codec on the hot path: hand-mapped Type.encode/decode (what codec.ts
// does) against protobufjs's generic fromObject/toObject conversion.
const codec = await import('../src/transport/codec.js');
const protobuf = (await import('protobufjs')).default;
const root = protobuf.loadSync(codec.PROTO_PATH);
const PM = root.lookupType('bfs.ProtocolMessage');
const auth = { request: new Uint8Array(60).fill(1), macs: Array.from({ length: 4 }, () => new Uint8Array(32).fill(2)) };
const messages: Array<[string, Parameters<typeof codec.encodeProtocolMessage>[0]]> = [
  ['prepare', { type: 'prepare', prepare: { view: 1, seq: 1000, digest: new Uint8Array(32).fill(3), replica: 2 } }],
  ['pre-prepare, 16 requests', { type: 'prePrepare', prePrepare: { view: 1, seq: 1000, digest: new Uint8Array(32), timeMs: 1_764_000_000_000, requests: Array(16).fill(auth) } }],
];
const objOpts = { longs: Number, enums: String, defaults: true, oneofs: true };
console.log('\n| codec (ops/s) | encode | decode | fromObject+encode | decode+toObject |');
console.log('|---|---|---|---|---|');
for (const [label, m] of messages) {
  const bytes = codec.encodeProtocolMessage(m);
  console.log(`| ${label} (${bytes.length} B) | ${fmt(opsPerSecond(() => codec.encodeProtocolMessage(m)))} | ${fmt(opsPerSecond(() => codec.decodeProtocolMessage(bytes)))} | ${
    fmt(opsPerSecond(() => PM.encode(PM.fromObject(m)).finish()))} | ${fmt(opsPerSecond(() => PM.toObject(PM.decode(bytes), objOpts)))} |`);
}
