// Drop accounting shared by the transports: every dropped message is counted by
// reason, reported through `onDrop` (metrics), and logged once per peer and reason
// so a misbehaving peer cannot flood the log.
import type { NodeId } from './transport.js';

/** The logger methods a transport uses (a pino Logger fits). */
export interface TransportLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type DropReason =
  | 'malformed'          // bytes that do not decode
  | 'oversize'           // larger than maxMessageBytes
  | 'bad-signature'      // Signed whose signature fails or whose signer is not a replica
  | 'bad-mac'            // request without a valid MAC for us / reply with a bad MAC
  | 'client-mismatch'    // request for another client on a client's stream
  | 'unexpected'         // a message this node never accepts from that peer (e.g. a reply at a replica)
  | 'not-authenticated'  // anything before a valid hello
  | 'unknown-peer'       // send to an id that is not in the cluster
  | 'queue-full'         // the per-peer send queue is full (slow or dead peer)
  | 'hello-malformed' | 'hello-unknown-node' | 'hello-wrong-target' | 'hello-stale' | 'hello-bad-signature' | 'hello-replayed';

/** The peer a drop is charged to; null when it has not authenticated. */
export type DropPeer = NodeId | null;

export interface PeerStats { id: NodeId; connected: boolean; queuedMessages: number; queuedBytes: number }
export interface TransportStats {
  sent: number;
  delivered: number;
  dropped: Partial<Record<DropReason, number>>;
  peers: PeerStats[];
}

export class DropCounter {
  readonly counts: Partial<Record<DropReason, number>> = {};
  private readonly logged = new Set<string>();

  constructor(
    private readonly logger: TransportLogger | undefined,
    private readonly onDrop: ((reason: DropReason, peer: DropPeer) => void) | undefined,
  ) {}

  drop(reason: DropReason, peer: DropPeer, detail?: Record<string, unknown>): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + 1;
    const once = `${peer ?? '?'}/${reason}`;
    if (!this.logged.has(once) && this.logged.size < 10_000) {
      this.logged.add(once);
      this.logger?.warn({ reason, peer, ...detail }, 'dropped a message (logged once per peer and reason; see metrics for counts)');
    }
    this.onDrop?.(reason, peer);
  }
}
