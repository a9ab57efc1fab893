// The wire codec: protobuf bytes (proto/bfs.proto, protobufjs 7) <-> the TS
// shapes of src/pbft/types.ts and src/fs/types.ts. Decoders never throw: a
// malformed input gives null. Signatures and MACs cover exactly the bytes these
// encoders produce.
//
// Speed: the PBFT messages are on the hot path, so they are converted field by
// field between plain objects and Type.encode/decode (measured ~3x faster than
// fromObject/toObject). The file-system messages go through toObject/fromObject
// because their shape is defined as protobufjs's toObject output.
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import type {
  AuthReply, AuthRequest, Checkpoint, Commit, Lagging, NewView, PrePrepare, PrePreparedClaim, Prepare, ProtocolMessage, Reply, Request, Signed, ViewChange,
} from '../pbft/types.js';
import type { FsRequest, FsResult } from '../fs/types.js';
import type { Envelope } from './transport.js';

// 64-bit integers as JS numbers, not Long objects (must precede loading).
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

export const PROTO_PATH = fileURLToPath(new URL('../../proto/bfs.proto', import.meta.url));
const root = protobuf.loadSync(PROTO_PATH);
const type = (name: string): protobuf.Type => root.lookupType(`bfs.${name}`);

const T = {
  Request: type('Request'), AuthRequest: type('AuthRequest'), Reply: type('Reply'), AuthReply: type('AuthReply'),
  ProtocolMessage: type('ProtocolMessage'), Signed: type('Signed'), Envelope: type('Envelope'),
  HelloBody: type('HelloBody'), StatusReply: type('StatusReply'), FsRequest: type('FsRequest'), FsResult: type('FsResult'),
};

// ── decoding helpers: a decoded protobufjs message is an object of unknowns ──

type Decoded = Record<string, unknown>;

class Malformed extends Error {}

const EMPTY = new Uint8Array(0);

function bytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v) && v.length === 0) return EMPTY;   // protobufjs's default for absent bytes
  throw new Malformed('bytes');
}
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const bool = (v: unknown): boolean => v === true;
function msg(v: unknown): Decoded {
  if (v === null || v === undefined || typeof v !== 'object') throw new Malformed('missing message');
  return v as Decoded;
}
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function finish(t: protobuf.Type, obj: object): Uint8Array {
  return t.encode(obj).finish();
}

function decodeWith<R>(t: protobuf.Type, data: Uint8Array, convert: (d: Decoded) => R | null): R | null {
  try {
    return convert(t.decode(data) as unknown as Decoded);
  } catch {
    return null;   // truncated, wrong wire type, bad UTF-8, missing member...
  }
}

// ── client messages ──

export const encodeRequest = (r: Request): Uint8Array => finish(T.Request, r);
const toRequest = (d: Decoded): Request => ({
  client: num(d.client), timestamp: num(d.timestamp), op: bytes(d.op), readOnly: bool(d.readOnly), replier: num(d.replier),
});
export const decodeRequest = (data: Uint8Array): Request | null => decodeWith(T.Request, data, toRequest);

export const encodeReply = (r: Reply): Uint8Array => finish(T.Reply, r);
const toReply = (d: Decoded): Reply => ({
  view: num(d.view), timestamp: num(d.timestamp), client: num(d.client), replica: num(d.replica), tentative: bool(d.tentative),
  result: bytes(d.result), resultDigest: bytes(d.resultDigest), full: bool(d.full),
});
export const decodeReply = (data: Uint8Array): Reply | null => decodeWith(T.Reply, data, toReply);

const toAuthRequest = (d: Decoded): AuthRequest => {
  const digest = bytes(d.digest);
  // Only a big request in a pre-prepare carries a digest (by digest only); keep the field off the others.
  return digest.length > 0 ? { request: bytes(d.request), macs: list(d.macs).map(bytes), digest } : { request: bytes(d.request), macs: list(d.macs).map(bytes) };
};
const toAuthReply = (d: Decoded): AuthReply => ({ reply: bytes(d.reply), mac: bytes(d.mac) });
const toSigned = (d: Decoded): Signed => ({ body: bytes(d.body), signer: num(d.signer), sig: bytes(d.sig) });
export const encodeAuthRequest = (a: AuthRequest): Uint8Array => finish(T.AuthRequest, a);
export const decodeAuthRequest = (data: Uint8Array): AuthRequest | null => decodeWith(T.AuthRequest, data, toAuthRequest);
export const encodeSigned = (s: Signed): Uint8Array => finish(T.Signed, s);
export const decodeSigned = (data: Uint8Array): Signed | null => decodeWith(T.Signed, data, toSigned);

// ── protocol messages ──
// The TS union { type: 'prePrepare', prePrepare } is already the proto oneof's
// shape (member name = field name); the extra `type` key is ignored by encode.

export const encodeProtocolMessage = (m: ProtocolMessage): Uint8Array => finish(T.ProtocolMessage, m);

const toPrePrepare = (d: Decoded): PrePrepare => ({
  view: num(d.view), seq: num(d.seq), digest: bytes(d.digest), timeMs: num(d.timeMs),
  requests: list(d.requests).map((r) => toAuthRequest(msg(r))),
});
const toPrepare = (d: Decoded): Prepare => ({ view: num(d.view), seq: num(d.seq), digest: bytes(d.digest), replica: num(d.replica) });
const toCommit = (d: Decoded): Commit => ({ view: num(d.view), seq: num(d.seq), digest: bytes(d.digest), replica: num(d.replica) });
const toCheckpoint = (d: Decoded): Checkpoint => ({ seq: num(d.seq), stateDigest: bytes(d.stateDigest), replica: num(d.replica) });
const toLagging = (d: Decoded): Lagging => ({ view: num(d.view), lastExecuted: num(d.lastExecuted), replica: num(d.replica) });
const toSignedList = (v: unknown): Signed[] => list(v).map((s) => toSigned(msg(s)));
const toPrePreparedClaim = (d: Decoded): PrePreparedClaim => ({ seq: num(d.seq), digest: bytes(d.digest), view: num(d.view) });
const toViewChange = (d: Decoded): ViewChange => ({
  view: num(d.view), stableSeq: num(d.stableSeq), stableDigest: bytes(d.stableDigest),
  checkpointProof: toSignedList(d.checkpointProof), prepared: list(d.prepared).map((p) => toPrePrepare(msg(p))),
  prePrepared: list(d.prePrepared).map((q) => toPrePreparedClaim(msg(q))), replica: num(d.replica),
});
const toNewView = (d: Decoded): NewView => ({ view: num(d.view), viewChanges: toSignedList(d.viewChanges), prePrepares: toSignedList(d.prePrepares) });

function toProtocolMessage(d: Decoded): ProtocolMessage | null {
  switch (d.body) {
    case 'prePrepare': return { type: 'prePrepare', prePrepare: toPrePrepare(msg(d.prePrepare)) };
    case 'prepare': return { type: 'prepare', prepare: toPrepare(msg(d.prepare)) };
    case 'commit': return { type: 'commit', commit: toCommit(msg(d.commit)) };
    case 'checkpoint': return { type: 'checkpoint', checkpoint: toCheckpoint(msg(d.checkpoint)) };
    case 'lagging': return { type: 'lagging', lagging: toLagging(msg(d.lagging)) };
    case 'viewChange': return { type: 'viewChange', viewChange: toViewChange(msg(d.viewChange)) };
    case 'newView': return { type: 'newView', newView: toNewView(msg(d.newView)) };
    default: return null;
  }
}
export const decodeProtocolMessage = (data: Uint8Array): ProtocolMessage | null => decodeWith(T.ProtocolMessage, data, toProtocolMessage);

// ── envelopes (what travels on a stream) ──

/** The signed first message of a stream (see proto Hello). */
export interface HelloBody { node: number; target: number; timeMs: number; nonce: Uint8Array }
export interface Hello { body: Uint8Array; sig: Uint8Array }
/** Envelope plus the transport-internal hello and bundle (several encoded envelopes in one stream message). */
export type WireEnvelope = Envelope | { type: 'hello'; hello: Hello } | { type: 'bundle'; envelopes: Uint8Array[] };

export function encodeEnvelope(e: WireEnvelope): Uint8Array {
  switch (e.type) {
    case 'signed': return finish(T.Envelope, { signed: e.signed });
    case 'request': return finish(T.Envelope, { request: e.auth });
    case 'reply': return finish(T.Envelope, { reply: e.auth });
    case 'hello': return finish(T.Envelope, { hello: e.hello });
    case 'bundle': return encodeBundle(e.envelopes);
  }
}

// A Bundle is written by hand: it is on the hot path of every coalesced send and
// is only length-delimited copies (the codec test checks it against protobufjs).
const BUNDLE_TAG = (5 << 3) | 2;     // Envelope.bundle, length-delimited
const ITEM_TAG = (1 << 3) | 2;       // Bundle.envelopes, length-delimited

function varintBytes(v: number): number {
  let n = 1;
  while (v >= 0x80) { v = Math.floor(v / 128); n++; }
  return n;
}

function writeVarint(out: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) { out[pos++] = (v & 0x7f) | 0x80; v = Math.floor(v / 128); }
  out[pos++] = v;
  return pos;
}

/** True for an encoded bundle (as encodeEnvelope writes it): a sender must not nest it in another. */
export function isBundle(bytes: Uint8Array): boolean {
  return bytes[0] === BUNDLE_TAG;
}

/** What `item` adds to a bundle's encoded size (tag, length, bytes). */
export function bundleItemBytes(item: Uint8Array): number {
  return 1 + varintBytes(item.length) + item.length;
}

/** Encoded size of a bundle whose items add up to `itemsBytes` (see bundleItemBytes). */
export function bundleBytes(itemsBytes: number): number {
  return 1 + varintBytes(itemsBytes) + itemsBytes;
}

function encodeBundle(items: Uint8Array[]): Uint8Array {
  let inner = 0;
  for (const item of items) inner += bundleItemBytes(item);
  const out = Buffer.allocUnsafe(bundleBytes(inner));
  out[0] = BUNDLE_TAG;
  let pos = writeVarint(out, 1, inner);
  for (const item of items) {
    out[pos++] = ITEM_TAG;
    pos = writeVarint(out, pos, item.length);
    out.set(item, pos);
    pos += item.length;
  }
  return out;
}

function toEnvelope(d: Decoded): WireEnvelope | null {
  switch (d.body) {
    case 'signed': return { type: 'signed', signed: toSigned(msg(d.signed)) };
    case 'request': return { type: 'request', auth: toAuthRequest(msg(d.request)) };
    case 'reply': return { type: 'reply', auth: toAuthReply(msg(d.reply)) };
    case 'hello': {
      const h = msg(d.hello);
      return { type: 'hello', hello: { body: bytes(h.body), sig: bytes(h.sig) } };
    }
    case 'bundle': return { type: 'bundle', envelopes: list(msg(d.bundle).envelopes).map(bytes) };
    default: return null;
  }
}
export const decodeEnvelope = (data: Uint8Array): WireEnvelope | null => decodeWith(T.Envelope, data, toEnvelope);

export const encodeHelloBody = (h: HelloBody): Uint8Array => finish(T.HelloBody, h);
export const decodeHelloBody = (data: Uint8Array): HelloBody | null => decodeWith(T.HelloBody, data, (d) => ({
  node: num(d.node), target: num(d.target), timeMs: num(d.timeMs), nonce: bytes(d.nonce),
}));

// ── status ──

export interface StatusInfo {
  replica: number; view: number; primary: number; lastExecuted: number; stableSeq: number; stateDigest: Uint8Array; viewChanging: boolean;
}
export const encodeStatusReply = (s: StatusInfo): Uint8Array => finish(T.StatusReply, s);
export const decodeStatusReply = (data: Uint8Array): StatusInfo | null => decodeWith(T.StatusReply, data, (d) => ({
  replica: num(d.replica), view: num(d.view), primary: num(d.primary), lastExecuted: num(d.lastExecuted),
  stableSeq: num(d.stableSeq), stateDigest: bytes(d.stateDigest), viewChanging: bool(d.viewChanging),
}));

// ── file-system messages (shape: toObject with longs Number, enums String, defaults, oneofs) ──

const FS_OBJECT_OPTIONS: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

/**
 * toObject leaves two things our fs types do not have: absent sub-messages as
 * null (proto3 says they read as the default message) and a key per proto3
 * `optional` field (its synthetic oneof `_name`). Fix both, by reflection.
 */
function normalize(t: protobuf.Type, obj: Decoded): void {
  for (const field of t.fieldsArray) {
    const oneof = field.partOf;
    if (oneof && oneof.name.startsWith('_') && oneof.oneof.length === 1) delete obj[oneof.name];
    const sub = field.resolvedType;
    if (!(sub instanceof protobuf.Type)) continue;
    const value = obj[field.name];
    if (field.repeated) {
      for (const item of list(value)) normalize(sub, item as Decoded);
    } else if (value !== null && value !== undefined) {
      normalize(sub, value as Decoded);
    } else if (!oneof) {
      obj[field.name] = defaultObject(sub);
    }
  }
}

function defaultObject(t: protobuf.Type): Decoded {
  const obj = t.toObject(t.create(), FS_OBJECT_OPTIONS) as Decoded;
  normalize(t, obj);
  return obj;
}

function decodeFs<R>(t: protobuf.Type, data: Uint8Array, check: (d: Decoded) => boolean): R | null {
  try {
    const obj = t.toObject(t.decode(data), FS_OBJECT_OPTIONS) as Decoded;
    if (!check(obj)) return null;
    normalize(t, obj);
    return obj as R;
  } catch {
    return null;
  }
}

// FsRequest has no enums, so plain encode works (proto3 optionals left undefined are skipped).
export const encodeFsRequest = (r: FsRequest): Uint8Array => finish(T.FsRequest, r);
/** Null when malformed or when it names no operation. */
export const decodeFsRequest = (data: Uint8Array): FsRequest | null =>
  decodeFs<FsRequest>(T.FsRequest, data, (d) => typeof d.op === 'string');

// FsResult carries FileType enums as names: fromObject maps them to numbers.
export const encodeFsResult = (r: FsResult): Uint8Array => finish(T.FsResult, T.FsResult.fromObject(r));
export const decodeFsResult = (data: Uint8Array): FsResult | null =>
  decodeFs<FsResult>(T.FsResult, data, () => true);
