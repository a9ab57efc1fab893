// Round trips for every wire message, and malformed input that must give null.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as codec from '../../src/transport/codec.js';
import type { AuthRequest, ProtocolMessage, Reply, Request, Signed } from '../../src/pbft/types.js';
import type { Attr, FsRequest, FsResult } from '../../src/fs/types.js';

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
// Decoded bytes are Buffers (a Uint8Array subclass); compare contents, not classes.
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}
const same = (a: unknown, e: unknown, m?: string): void => assert.deepStrictEqual(plain(a), plain(e), m);

const request: Request = { client: 1001, timestamp: 2 ** 45 + 7, op: b(1, 2, 3), readOnly: true, replier: -1 };
const auth: AuthRequest = { request: codec.encodeRequest(request), macs: [b(1), b(2), new Uint8Array(32).fill(9), new Uint8Array(0)] };
const signed: Signed = { body: b(8, 9), signer: 3, sig: new Uint8Array(64).fill(5) };
const digest = new Uint8Array(32).fill(0xab);

const protocolMessages: ProtocolMessage[] = [
  { type: 'prePrepare', prePrepare: { view: 2, seq: 2 ** 40, digest, timeMs: 1_764_000_000_123, requests: [auth, auth] } },
  { type: 'prePrepare', prePrepare: { view: 0, seq: 1, digest, timeMs: 5, requests: [] } },
  { type: 'prepare', prepare: { view: 1, seq: 9, digest, replica: 2 } },
  { type: 'commit', commit: { view: 1, seq: 9, digest, replica: 0 } },
  { type: 'checkpoint', checkpoint: { seq: 128, stateDigest: digest, replica: 1 } },
  { type: 'viewChange', viewChange: { view: 3, stableSeq: 128, stableDigest: digest, checkpointProof: [signed, signed],
    prepared: [{ view: 2, seq: 129, digest, timeMs: 7, requests: [auth] }], prePrepared: [{ seq: 129, digest, view: 2 }], replica: 1 } },
  { type: 'newView', newView: { view: 3, viewChanges: [signed], prePrepares: [signed, signed] } },
];

test('protocol messages round-trip, 64-bit ints as numbers', () => {
  for (const m of protocolMessages) {
    const back = codec.decodeProtocolMessage(codec.encodeProtocolMessage(m));
    same(back, m, m.type);
  }
  const pp = codec.decodeProtocolMessage(codec.encodeProtocolMessage(protocolMessages[0]));
  assert.equal(pp?.type === 'prePrepare' && typeof pp.prePrepare.seq, 'number');
});

test('requests, replies, signed, authenticated forms round-trip', () => {
  same(codec.decodeRequest(codec.encodeRequest(request)), request);
  same(codec.decodeAuthRequest(codec.encodeAuthRequest(auth)), auth);
  same(codec.decodeSigned(codec.encodeSigned(signed)), signed);
  const reply: Reply = { view: 4, timestamp: 99, client: 1000, replica: 2, tentative: true, result: b(), resultDigest: digest, full: false };
  same(codec.decodeReply(codec.encodeReply(reply)), reply);
  const empty = codec.decodeRequest(new Uint8Array(0));
  assert.ok(empty && empty.op instanceof Uint8Array && empty.op.length === 0);
});

test('envelopes, hello and status round-trip', () => {
  const envelopes: codec.WireEnvelope[] = [
    { type: 'signed', signed },
    { type: 'request', auth },
    { type: 'reply', auth: { reply: b(1, 2), mac: digest } },
    { type: 'hello', hello: { body: b(4, 4), sig: new Uint8Array(64) } },
  ];
  for (const e of envelopes) same(codec.decodeEnvelope(codec.encodeEnvelope(e)), e, e.type);
  const hello = { node: 1000, target: 2, timeMs: 1_764_000_000_000, nonce: b(1, 2, 3, 4) };
  same(codec.decodeHelloBody(codec.encodeHelloBody(hello)), hello);
  const status = { replica: 1, view: 7, primary: 3, lastExecuted: 1000, stableSeq: 896, stateDigest: digest, viewChanging: false };
  same(codec.decodeStatusReply(codec.encodeStatusReply(status)), status);
});

test('malformed bytes decode to null, never throw', () => {
  const garbage = [b(0xff, 0xff, 0xff), b(0x0a, 0x05, 1), b(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f), b(0x08), crypto.getRandomValues(new Uint8Array(200))];
  for (const g of garbage) {
    assert.equal(codec.decodeEnvelope(g), null);
    assert.equal(codec.decodeProtocolMessage(g), null);
  }
  assert.equal(codec.decodeEnvelope(new Uint8Array(0)), null, 'an envelope with no member');
  assert.equal(codec.decodeProtocolMessage(new Uint8Array(0)), null, 'a protocol message with no member');
  // Wrong wire type for a known field (varint where bytes are expected).
  assert.equal(codec.decodeSigned(b(0x08, 0x01)), null);
  assert.equal(codec.decodeFsRequest(new Uint8Array(0)), null, 'no op');
  assert.equal(codec.decodeFsRequest(b(0xff, 0xff)), null);
});

const fh = { ino: 2 ** 40 + 1, gen: 3 };
const ts = { sec: 1_764_000_000, nsec: 5 };
const cred = { uid: 1000, gid: 1000, groups: [4, 27] };
const attr: Attr = { fh, type: 'FT_REG', mode: 0o100644, nlink: 1, uid: 1000, gid: 100, size: 5000, blocks: 16, atime: ts, mtime: ts, ctime: ts };

const fsRequests: FsRequest[] = [
  { cred, op: 'getattr', getattr: { fh } },
  { cred, op: 'setattr', setattr: { fh, mode: 0o600, size: 0, mtime: ts, atimeNow: true, mtimeNow: false } },
  { cred, op: 'setattr', setattr: { fh, atimeNow: false, mtimeNow: false } },
  { cred, op: 'lookup', lookup: { dir: fh, name: 'héllo' } },
  { cred, op: 'access', access: { fh, mask: 4 } },
  { cred, op: 'readdir', readdir: { dir: fh, cookie: 7, count: 100 } },
  { cred, op: 'read', read: { fh, offset: 2 ** 33, count: 4096 } },
  { cred, op: 'write', write: { fh, offset: 0, data: b(1, 2, 3), append: true } },
  { cred, op: 'create', create: { dir: fh, name: 'a', mode: 0o644, exclusive: true, truncate: false } },
  { cred, op: 'mkdir', mkdir: { dir: fh, name: 'd', mode: 0o755 } },
  { cred, op: 'symlink', symlink: { dir: fh, name: 'l', target: '../x' } },
  { cred, op: 'readlink', readlink: { fh } },
  { cred, op: 'link', link: { fh, dir: fh, name: 'h' } },
  { cred, op: 'remove', remove: { dir: fh, name: 'a' } },
  { cred, op: 'rmdir', rmdir: { dir: fh, name: 'd' } },
  { cred, op: 'rename', rename: { fromDir: fh, fromName: 'a', toDir: fh, toName: 'b' } },
  { cred, op: 'statfs', statfs: {} },
];

const fsResults: FsResult[] = [
  { errno: 2 },
  { errno: 0, res: 'attr', attr: { attr } },
  { errno: 0, res: 'lookup', lookup: { attr } },
  { errno: 0, res: 'readdir', readdir: { entries: [{ name: 'a', fh, type: 'FT_DIR', cookie: 1 }, { name: 'b', fh, type: 'FT_LNK', cookie: 2 }], eof: true, dirAttr: attr } },
  { errno: 0, res: 'read', read: { data: b(9, 9), eof: false, attr } },
  { errno: 0, res: 'write', write: { count: 3, attr } },
  { errno: 0, res: 'create', create: { attr, dirAttr: { ...attr, type: 'FT_DIR' } } },
  { errno: 0, res: 'readlink', readlink: { target: '/t' } },
  { errno: 0, res: 'remove', remove: { dirAttr: attr } },
  { errno: 0, res: 'rename', rename: { fromDirAttr: attr, toDirAttr: attr } },
  { errno: 0, res: 'statfs', statfs: { bsize: 4096, blocks: 2 ** 35, bfree: 1, bavail: 1, files: 10, ffree: 5, namemax: 255 } },
  { errno: 0, res: 'access', access: {} },
];

test('every FsRequest op and FsResult body round-trips in the fs types shape', () => {
  for (const r of fsRequests) same(codec.decodeFsRequest(codec.encodeFsRequest(r)), r, r.op);
  for (const r of fsResults) same(codec.decodeFsResult(codec.encodeFsResult(r)), r, r.res ?? 'error');
});

test('absent sub-messages decode as their defaults (proto3), not null', () => {
  const r = codec.decodeFsRequest(codec.encodeFsRequest({ op: 'getattr', getattr: {} } as unknown as FsRequest));
  same(r, { cred: { uid: 0, gid: 0, groups: [] }, op: 'getattr', getattr: { fh: { ino: 0, gen: 0 } } });
  const res = codec.decodeFsResult(codec.encodeFsResult({ errno: 0, res: 'write', write: { count: 1 } } as unknown as FsResult));
  assert.equal(res?.res === 'write' && res.write.attr.atime.sec, 0);
  assert.equal(res?.res === 'write' && res.write.attr.type, 'FT_UNKNOWN');
});

test('a bundle encodes as protobufjs would, and round-trips items of any size', async () => {
  const { default: protobuf } = await import('protobufjs');
  const Envelope = protobuf.loadSync(codec.PROTO_PATH).lookupType('bfs.Envelope');
  const cases: Uint8Array[][] = [
    [],
    [new Uint8Array(0)],
    [codec.encodeEnvelope({ type: 'signed', signed }), codec.encodeEnvelope({ type: 'request', auth })],
    [new Uint8Array(127).fill(1), new Uint8Array(128).fill(2), new Uint8Array(16_384).fill(3), new Uint8Array(300_000).fill(4)],
  ];
  for (const items of cases) {
    const bytes = codec.encodeEnvelope({ type: 'bundle', envelopes: items });
    same(bytes, Envelope.encode({ bundle: { envelopes: items } }).finish(), `${items.length} items`);
    const back = codec.decodeEnvelope(bytes);
    assert.equal(back?.type, 'bundle');
    same(back?.type === 'bundle' ? back.envelopes : null, items);
    const itemsBytes = items.reduce((sum, item) => sum + codec.bundleItemBytes(item), 0);
    assert.equal(codec.bundleBytes(itemsBytes), bytes.length, 'the size the sender plans with is exact');
  }
});
