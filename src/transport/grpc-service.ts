// The Replica gRPC service (proto/bfs.proto) with raw-bytes (de)serializers:
// the transport decodes envelopes itself, so a malformed message is dropped and
// counted instead of failing the whole stream inside grpc-js.
import * as grpc from '@grpc/grpc-js';
import type { ReplicaStatus } from '../pbft/types.js';
import { decodeStatusReply, encodeStatusReply, type StatusInfo } from './codec.js';

const raw = (b: Buffer): Buffer => b;

function method(path: string, stream: boolean): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path, requestStream: stream, responseStream: stream,
    requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw,
  };
}

export const STREAM_PATH = '/bfs.Replica/Stream';
export const STATUS_PATH = '/bfs.Replica/Status';

export const replicaService: grpc.ServiceDefinition = {
  Stream: method(STREAM_PATH, true),
  Status: method(STATUS_PATH, false),
};

export const toBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

export function statusToWire(s: ReplicaStatus): Uint8Array {
  return encodeStatusReply({
    replica: s.id, view: s.view, primary: s.primary, lastExecuted: s.lastExecuted,
    stableSeq: s.stableSeq, stateDigest: s.stableDigest, viewChanging: s.viewChanging,
  });
}

/** Asks one replica for its status (`bfs status`). Rejects with a message naming the address. */
export function fetchStatus(address: string, timeoutMs = 1000): Promise<StatusInfo> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise<StatusInfo>((resolve, reject) => {
    client.makeUnaryRequest(STATUS_PATH, raw, raw, Buffer.alloc(0), { deadline: Date.now() + timeoutMs }, (err, reply) => {
      client.close();
      if (err) return reject(new Error(`status of ${address}: ${err.details || err.message}`, { cause: err }));
      const status = reply ? decodeStatusReply(reply) : null;
      if (!status) return reject(new Error(`status of ${address}: malformed reply`));
      resolve(status);
    });
  });
}
