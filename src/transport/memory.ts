// An in-process Transport: a hub connects nodes of one process (tests, demos).
// It runs the same path as gRPC — encode to bytes, bounded per-peer queues,
// size check, decode + verify at the receiver — with injectable faults
// (drop, delay) for tests. Nodes are authenticated by construction: a node is
// whoever holds its key in `connect`.
import { DropCounter, type DropPeer, type DropReason, type TransportLogger, type TransportStats } from './drops.js';
import { encodeEnvelope } from './codec.js';
import { DEFAULT_QUEUE_LIMITS, PeerQueue, type QueueLimits } from './peer-queue.js';
import { checkIncoming, type NodeAuthority } from './verify-envelope.js';
import type { Delivery, Envelope, NodeId, Transport } from './transport.js';

/** Decides the fate of one message on the wire. */
export type MemoryFault = (from: NodeId, to: NodeId, bytes: Uint8Array) => 'deliver' | 'drop' | { delayMs: number };

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface MemoryHubOptions {
  maxMessageBytes?: number;
  queue?: QueueLimits;
}

export interface MemoryTransportOptions {
  /** Per-node overrides of the hub's limits. */
  maxMessageBytes?: number;
  queue?: QueueLimits;
  logger?: TransportLogger;
  onDrop?: (reason: DropReason, peer: DropPeer) => void;
}

export class MemoryHub {
  /** Set or clear at any time; applies to messages leaving a queue from then on. */
  fault: MemoryFault | null = null;
  readonly maxMessageBytes: number;
  readonly queueLimits: QueueLimits;
  private readonly nodes = new Map<NodeId, MemoryTransport>();

  constructor(options: MemoryHubOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.queueLimits = options.queue ?? DEFAULT_QUEUE_LIMITS;
  }

  /** Brings node `auth.id` up (again, after a close: a restart). */
  connect(auth: NodeAuthority, options: MemoryTransportOptions = {}): MemoryTransport {
    if (this.nodes.has(auth.id)) throw new Error(`node ${auth.id} is already connected to this hub`);
    const transport = new MemoryTransport(this, auth, options);
    this.nodes.set(auth.id, transport);
    for (const other of this.nodes.values()) other.peerCameUp(auth.id);
    return transport;
  }

  node(id: NodeId): MemoryTransport | undefined { return this.nodes.get(id); }

  /** @internal */
  detach(transport: MemoryTransport): void {
    if (this.nodes.get(transport.self) === transport) this.nodes.delete(transport.self);
  }
}

export class MemoryTransport implements Transport {
  readonly self: NodeId;
  private handler: ((delivery: Delivery) => void) | null = null;
  private readonly queues = new Map<NodeId, PeerQueue>();
  private readonly flushing = new Set<NodeId>();
  private readonly drops: DropCounter;
  private readonly maxMessageBytes: number;
  private readonly queueLimits: QueueLimits;
  private closed = false;
  private sent = 0;
  private delivered = 0;

  constructor(private readonly hub: MemoryHub, private readonly auth: NodeAuthority, options: MemoryTransportOptions) {
    this.self = auth.id;
    this.drops = new DropCounter(options.logger, options.onDrop);
    this.maxMessageBytes = options.maxMessageBytes ?? hub.maxMessageBytes;
    this.queueLimits = options.queue ?? hub.queueLimits;
  }

  send(to: NodeId, envelope: Envelope): void {
    this.sendRaw(to, encodeEnvelope(envelope));
  }

  /** Queue pre-encoded bytes for `to` (tests, Byzantine behaviours). */
  sendRaw(to: NodeId, bytes: Uint8Array): void {
    if (this.closed) return;
    if (to === this.self || !(this.auth.isReplica(to) || this.auth.isClient(to))) return this.drops.drop('unknown-peer', to);
    if (bytes.length > this.maxMessageBytes) return this.drops.drop('oversize', to, { bytes: bytes.length });
    let queue = this.queues.get(to);
    if (!queue) this.queues.set(to, (queue = new PeerQueue(this.queueLimits)));
    if (!queue.push(bytes)) return this.drops.drop('queue-full', to);
    this.scheduleFlush(to);
  }

  onDelivery(handler: (delivery: Delivery) => void): void { this.handler = handler; }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queues.values()) q.clear();
    this.hub.detach(this);
  }

  stats(): TransportStats {
    return {
      sent: this.sent, delivered: this.delivered, dropped: { ...this.drops.counts },
      peers: [...this.queues].map(([id, q]) => ({ id, connected: this.hub.node(id) !== undefined, queuedMessages: q.length, queuedBytes: q.bytes })),
    };
  }

  /** @internal a peer (re)connected: send what waited for it. */
  peerCameUp(id: NodeId): void {
    if (this.queues.get(id)?.length) this.scheduleFlush(id);
  }

  private scheduleFlush(to: NodeId): void {
    if (this.flushing.has(to)) return;
    this.flushing.add(to);
    setImmediate(() => this.flush(to));
  }

  private flush(to: NodeId): void {
    this.flushing.delete(to);
    const queue = this.queues.get(to);
    for (let target = this.hub.node(to); queue && target && !this.closed; target = this.hub.node(to)) {
      const bytes = queue.shift();
      if (!bytes) return;
      this.sent++;
      const fate = this.hub.fault?.(this.self, to, bytes) ?? 'deliver';
      if (fate === 'deliver') target.receive(this.self, bytes);
      else if (fate !== 'drop') setTimeout(() => this.hub.node(to)?.receive(this.self, bytes), fate.delayMs);
    }
  }

  /** @internal the receiving half: the same checks as a gRPC stream. */
  receive(from: NodeId, bytes: Uint8Array): void {
    if (this.closed) return;
    checkIncoming(this.auth, bytes, from, this.maxMessageBytes, {
      deliver: (delivery) => {
        this.delivered++;
        this.handler?.(delivery);
      },
      drop: (reason, detail) => this.drops.drop(reason, from, detail),
    });
  }
}
