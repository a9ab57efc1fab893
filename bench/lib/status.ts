// Polls replicas' Status RPC (proto `Replica.Status`) for readiness and for
// watching view changes. One channel per replica, reused across polls.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'node:path';
import type { ProtoGrpcType } from '../../src/gen/bfs.js';
import type { ReplicaClient } from '../../src/gen/bfs/Replica.js';
import type { StatusReply__Output } from '../../src/gen/bfs/StatusReply.js';
import { REPO_ROOT } from './paths.js';

export type ReplicaStatus = StatusReply__Output;

let proto: ProtoGrpcType | null = null;

function loadProto(): ProtoGrpcType {
  if (proto) return proto;
  const def = protoLoader.loadSync(join(REPO_ROOT, 'proto', 'bfs.proto'), { longs: Number, enums: String, defaults: true, oneofs: true });
  proto = grpc.loadPackageDefinition(def) as unknown as ProtoGrpcType;
  return proto;
}

export class StatusPoller {
  private readonly clients: ReplicaClient[];

  constructor(addresses: string[]) {
    const { bfs } = loadProto();
    this.clients = addresses.map((a) => new bfs.Replica(a, grpc.credentials.createInsecure()));
  }

  /** One replica's status, or null if it does not answer within `timeoutMs`. */
  status(index: number, timeoutMs = 500): Promise<ReplicaStatus | null> {
    return new Promise((resolve) => {
      this.clients[index].Status({}, { deadline: Date.now() + timeoutMs }, (err, reply) => {
        resolve(err || !reply ? null : reply);
      });
    });
  }

  all(timeoutMs = 500): Promise<(ReplicaStatus | null)[]> {
    return Promise.all(this.clients.map((_, i) => this.status(i, timeoutMs)));
  }

  close(): void {
    for (const c of this.clients) c.close();
  }
}
