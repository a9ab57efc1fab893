// The Transport contract shared by the in-memory (tests, simulator) and gRPC
// implementations. A transport authenticates its peers and verifies every
// message before delivering it: what reaches a handler is already checked
// (signature for replica traffic, this node's MAC entry for requests, the MAC
// for replies). Malformed, forged, oversized or unexpected input is dropped,
// counted and logged there, never delivered and never thrown.
import type { AuthReply, AuthRequest, ClientId, ProtocolMessage, ReplicaId, Reply, Request, Signed } from '../pbft/types.js';

/** Replicas are 0..n-1; clients have ids from the cluster file (>= 1000 by convention). */
export type NodeId = ReplicaId | ClientId;

/** What travels on a stream (proto `Envelope`). */
export type Envelope =
  | { type: 'signed'; signed: Signed }
  | { type: 'request'; auth: AuthRequest }
  | { type: 'reply'; auth: AuthReply };

/** A verified, decoded delivery. */
export type Delivery =
  | { type: 'protocol'; from: ReplicaId; signed: Signed; msg: ProtocolMessage }
  | { type: 'request'; from: NodeId; auth: AuthRequest; request: Request }
  | { type: 'reply'; from: ReplicaId; auth: AuthReply; reply: Reply };

export interface Transport {
  /** This node's id. */
  readonly self: NodeId;
  /** Queue an envelope for `to`. Never blocks or throws; a full queue drops and counts. */
  send(to: NodeId, envelope: Envelope): void;
  /** Register the handler for verified deliveries (one handler). */
  onDelivery(handler: (delivery: Delivery) => void): void;
  /** Close every stream and listener. */
  close(): Promise<void>;
}
