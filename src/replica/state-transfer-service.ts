// The StateTransfer gRPC service (proto/bfs.proto): the wire codec of its two
// messages, the server side (answers from the checkpoint tree: the state as of
// the last stable checkpoint) and a one-call client.
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { PROTO_PATH } from '../transport/codec.js';
import type { FileTree, PartitionDigest } from '../fs/file-tree.js';
import type { Signed } from '../pbft/types.js';

export const FETCH_STATE_PATH = '/bfs.StateTransfer/Fetch';

export interface FetchStateRequest {
  seq: number; list: boolean; partitions: number[]; bytesMax: number; logFrom?: number;
  /** Answer `partitions` with chunks, the first from `cursor` (the only way partitions are served now). */
  chunked?: boolean; cursor?: Uint8Array;
}
/** A PartitionChunk on the wire (src/fs/partition-chunks.ts). */
export interface WireChunk { index: number; data: Uint8Array; done: boolean; next: Uint8Array }
export interface FetchStateReply { seq: number; listing: PartitionDigest[]; indices: number[]; blobs: Uint8Array[]; log: Signed[]; chunks: WireChunk[] }

const root = protobuf.loadSync(PROTO_PATH);
const RequestType = root.lookupType('bfs.FetchStateRequest');
const ReplyType = root.lookupType('bfs.FetchStateReply');

type Decoded = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
function bytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v) && v.length === 0) return new Uint8Array(0);   // protobufjs's default for absent bytes
  throw new Error('expected bytes');
}

export function encodeFetchRequest(r: FetchStateRequest): Uint8Array {
  return RequestType.encode({
    seq: r.seq, list: r.list, partitions: r.partitions, bytesMax: r.bytesMax, logFrom: r.logFrom ?? 0,
    chunked: r.chunked ?? false, cursor: r.cursor ?? new Uint8Array(0),
  }).finish();
}

/** null when malformed. */
export function decodeFetchRequest(b: Uint8Array): FetchStateRequest | null {
  try {
    const d = RequestType.decode(b) as unknown as Decoded;
    return {
      seq: num(d.seq), list: d.list === true, partitions: arr(d.partitions).map(num), bytesMax: num(d.bytesMax), logFrom: num(d.logFrom),
      chunked: d.chunked === true, cursor: d.cursor === undefined ? undefined : bytes(d.cursor),
    };
  } catch {
    return null;
  }
}

export function encodeFetchReply(r: FetchStateReply): Uint8Array {
  return ReplyType.encode({ seq: r.seq, listing: r.listing, indices: r.indices, blobs: r.blobs, log: r.log, chunks: r.chunks }).finish();
}

/** null when malformed (a Byzantine server's garbage). */
export function decodeFetchReply(b: Uint8Array): FetchStateReply | null {
  try {
    const d = ReplyType.decode(b) as unknown as Decoded;
    const listing = arr(d.listing).map((p) => {
      const o = p as Decoded;
      return { index: num(o.index), digest: bytes(o.digest) };
    });
    const indices = arr(d.indices).map(num);
    const blobs = arr(d.blobs).map(bytes);
    if (indices.length !== blobs.length) return null;
    const log = arr(d.log).map((x) => {
      const o = x as Decoded;
      return { body: bytes(o.body), signer: num(o.signer), sig: bytes(o.sig) };
    });
    const chunks = arr(d.chunks).map((x) => {
      const o = x as Decoded;
      return { index: num(o.index), data: bytes(o.data), done: o.done === true, next: bytes(o.next) };
    });
    return { seq: num(d.seq), listing, indices, blobs, log, chunks };
  } catch {
    return null;
  }
}

/** What the server reads: the checkpoint tree and the seq whose state it holds. */
export interface CheckpointSource { readonly checkpointTree: FileTree; readonly checkpointSeq: number }

/** The signed messages of committed batches from `from` on, within `bytesMax` (the core's log). */
export type CommittedLog = (from: number, bytesMax: number) => Signed[];

/** Chunk budget per reply when the client asks for none or too much. */
export const FETCH_BYTES_DEFAULT = 4 * 1024 * 1024;
const FETCH_BYTES_MAX = 32 * 1024 * 1024;
/** Partitions one reply covers at most (each costs a chunk header even when empty). */
export const PARTITIONS_PER_REPLY_MAX = 1024;

/**
 * Answer one request from the checkpoint tree; a different seq gets only our
 * seq. Partitions go out as chunks of at most the budget in all (plus at most
 * one unit: a block, an entry, a head or one client's reply), so a reply stays
 * far below the message limit whatever the partitions hold. A request for
 * whole blobs (not chunked) gets none: a blob of a big partition would not fit
 * a message.
 */
export function answerFetch(src: CheckpointSource, req: FetchStateRequest, log?: CommittedLog): FetchStateReply {
  const reply: FetchStateReply = { seq: src.checkpointSeq, listing: [], indices: [], blobs: [], log: [], chunks: [] };
  const budgetBytes = req.bytesMax > 0 ? Math.min(req.bytesMax, FETCH_BYTES_MAX) : FETCH_BYTES_DEFAULT;
  // The log is what follows a checkpoint: it is served whatever our checkpoint is.
  if (req.logFrom && req.logFrom > 0 && log) reply.log = log(req.logFrom, budgetBytes);
  if (req.seq !== src.checkpointSeq) return reply;
  if (req.list) reply.listing = src.checkpointTree.partitions();
  if (!req.chunked) return reply;
  let used = 0;
  let cursor = req.cursor;
  for (const index of req.partitions.slice(0, PARTITIONS_PER_REPLY_MAX)) {
    if (!Number.isInteger(index) || index < 0 || used >= budgetBytes) break;
    const chunk = src.checkpointTree.exportPartitionChunk(index, cursor, budgetBytes - used);
    cursor = undefined;
    reply.chunks.push({ index, data: chunk.bytes, done: chunk.done, next: chunk.next });
    used += chunk.bytes.length;
    if (!chunk.done) break;
  }
  return reply;
}

const raw = (b: Buffer): Buffer => b;
const toBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export const stateTransferService: grpc.ServiceDefinition = {
  Fetch: {
    path: FETCH_STATE_PATH, requestStream: false, responseStream: false,
    requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw,
  },
};

/** Told what each reply served (metrics). */
export type OnServed = (reply: FetchStateReply) => void;

/** The service implementation for grpc.Server.addService. */
export function stateTransferImplementation(src: CheckpointSource, log?: CommittedLog, onServed?: OnServed): grpc.UntypedServiceImplementation {
  return {
    Fetch: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const req = decodeFetchRequest(call.request);
      if (!req) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'malformed FetchStateRequest' });
      try {
        const reply = answerFetch(src, req, log);
        onServed?.(reply);
        callback(null, toBuffer(encodeFetchReply(reply)));
      } catch (err) {
        callback({ code: grpc.status.INTERNAL, details: (err as Error).message });
      }
    },
  };
}

/** One Fetch call in flight: its reply, and a way to abandon it. */
export interface FetchCall { reply: Promise<FetchStateReply>; cancel(): void }

/** Starts one Fetch call; the reply rejects on transport errors and malformed replies. */
export function startFetch(client: grpc.Client, req: FetchStateRequest, timeoutMs: number): FetchCall {
  let call: grpc.ClientUnaryCall | undefined;
  const reply = new Promise<FetchStateReply>((resolve, reject) => {
    call = client.makeUnaryRequest(FETCH_STATE_PATH, raw, raw, toBuffer(encodeFetchRequest(req)), { deadline: Date.now() + timeoutMs }, (err, bytes) => {
      if (err) return reject(new Error(err.details || err.message));
      const decoded = bytes ? decodeFetchReply(bytes) : null;
      if (!decoded) return reject(new Error('malformed FetchStateReply'));
      resolve(decoded);
    });
  });
  return { reply, cancel: () => call?.cancel() };
}

/** One Fetch call; rejects on transport errors and malformed replies. */
export function callFetch(client: grpc.Client, req: FetchStateRequest, timeoutMs: number): Promise<FetchStateReply> {
  return startFetch(client, req, timeoutMs).reply;
}

/** Entries served per log request at most (one watermark window). */
const LOG_ENTRIES_MAX = 256;

/** What committedLogOf reads of the core (src/pbft Replica). */
export interface LogHolder {
  readonly lastCommitted: number;
  readonly log: { get(seq: number): { committed: boolean; prePrepareSigned?: Signed; prepares: Map<number, { signed: Signed }>; commits: Map<number, { signed: Signed }> } | undefined };
}

/**
 * After installing a checkpoint, a replica still misses the batches committed
 * since (nobody retransmits committed batches): hand it the signed messages
 * that prove them; its core verifies and processes them like live traffic.
 */
export function committedLogOf(core: LogHolder): CommittedLog {
  return (from, bytesMax) => {
    const out: Signed[] = [];
    let bytes = 0;
    for (let seq = from; seq <= core.lastCommitted && seq < from + LOG_ENTRIES_MAX && bytes < bytesMax; seq++) {
      const e = core.log.get(seq);
      if (!e?.committed || !e.prePrepareSigned) break;
      // Votes first: a pre-prepare with 2f+1 commits is accepted even though its time is long past.
      for (const s of [...[...e.prepares.values()].map((v) => v.signed), ...[...e.commits.values()].map((v) => v.signed), e.prePrepareSigned]) {
        out.push(s);
        bytes += s.body.length + s.sig.length;
      }
    }
    return out;
  };
}
