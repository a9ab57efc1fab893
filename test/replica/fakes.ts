// Small stand-ins shared by the replica tests: a JSON codec, a recording file
// tree, a trivial ProtocolAuth and a transport that records what it sends.
import { createHash } from 'node:crypto';
import type { AuthReply, AuthRequest, ProtocolAuth, ProtocolMessage, Reply, Request, Signed } from '../../src/pbft/types.js';
import type { FsRequest, FsResult } from '../../src/fs/types.js';
import type { FsCodec, FsTree } from '../../src/replica/fs-state-machine.js';
import type { Delivery, Envelope, NodeId, Transport } from '../../src/transport/transport.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export const jsonCodec: FsCodec = {
  decodeFsRequest(bytes) {
    try { return JSON.parse(dec.decode(bytes)) as FsRequest; } catch { return null; }
  },
  encodeFsResult(result) { return enc.encode(JSON.stringify(result)); },
};

export function encodeOp(req: FsRequest): Uint8Array { return enc.encode(JSON.stringify(req)); }
export function decodeResult(bytes: Uint8Array): FsResult { return JSON.parse(dec.decode(bytes)) as FsResult; }

/** A file tree that records calls and answers errno 0 with no body. */
export class RecordingTree implements FsTree {
  readonly calls: string[] = [];
  apply(req: FsRequest, timeMs: number): FsResult { this.calls.push(`apply ${req.op} uid=${req.cred.uid} t=${timeMs}`); return { errno: 0 }; }
  query(req: FsRequest): FsResult { this.calls.push(`query ${req.op}`); return { errno: 0 }; }
  digest(): Uint8Array { return new Uint8Array([this.calls.length]); }
  beginTentative(): void { this.calls.push('begin'); }
  commitTentative(): void { this.calls.push('commit'); }
  rollbackTentative(): void { this.calls.push('rollback'); }
}

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** ProtocolAuth whose replies are JSON with a fixed MAC. */
export const plainAuth: ProtocolAuth = {
  seal(_msg: ProtocolMessage): Signed { throw new Error('not used'); },
  open(_signed: Signed): ProtocolMessage | null { return null; },
  openRequest(_req: AuthRequest): Request | null { return null; },
  sealReply(reply: Reply): AuthReply { return { reply: enc.encode(JSON.stringify({ ...reply, result: dec.decode(reply.result), resultDigest: [] })), mac: new Uint8Array([7]) }; },
  digest: sha256,
};

export function replyOf(auth: AuthReply): Omit<Reply, 'result' | 'resultDigest'> & { result: string } {
  return JSON.parse(dec.decode(auth.reply)) as Omit<Reply, 'result' | 'resultDigest'> & { result: string };
}

export class RecordingTransport implements Transport {
  readonly sent: { to: NodeId; envelope: Envelope }[] = [];
  handler: ((d: Delivery) => void) | undefined;
  closed = false;
  constructor(readonly self: NodeId) {}
  send(to: NodeId, envelope: Envelope): void { this.sent.push({ to, envelope }); }
  onDelivery(handler: (d: Delivery) => void): void { this.handler = handler; }
  async close(): Promise<void> { this.closed = true; }
}
