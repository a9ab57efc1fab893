// The gRPC Transport (@grpc/grpc-js, service Replica in proto/bfs.proto).
//
// Streams: one long-lived bidirectional Stream per replica pair (the lower id
// dials the higher) and per client session (the client dials every replica).
// The dialer's first envelope is a signed Hello; the listener authenticates it
// (known id, addressed to us, fresh, not replayed) and only then attaches the
// stream to that peer, so replies to a client go to its authenticated stream.
// The listener answers with response headers, which tells the dialer it was
// accepted. A broken stream is redialed with exponential back-off.
//
// Sending never blocks: each peer has a bounded queue (messages and bytes);
// overflow drops and counts. Between replicas the queue is flushed once per
// event-loop turn (setImmediate), and what it holds then goes out coalesced: up
// to BUNDLE_BYTES_MAX of envelopes in one gRPC message (proto Bundle), because
// grpc-js and HTTP/2 cost per message, not per byte, at protocol-vote sizes.
// To and from clients there is at most a request or a reply or two in flight
// per stream, nothing to coalesce, so those are written at once (waiting for
// the end of the turn cost the unreplicated path ~10% of its throughput).
// Everything received is size-checked, decoded and verified
// (verify-envelope.ts) before delivery, a bundle item by item; drops are
// counted by reason.
import * as grpc from '@grpc/grpc-js';
import { LRUCache } from 'lru-cache';
import type { AuthRequest, ReplicaStatus, Signed } from '../pbft/types.js';
import type { ClientAuth, ReplicaAuth } from '../crypto/node-auth.js';
import type { ClusterConfig } from './cluster-config.js';
import { bundleBytes, bundleItemBytes, decodeEnvelope, isBundle, decodeHelloBody, encodeEnvelope, type Hello } from './codec.js';
import { DropCounter, type DropPeer, type DropReason, type TransportLogger, type TransportStats } from './drops.js';
import { replicaService, STREAM_PATH, statusToWire, toBuffer } from './grpc-service.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './memory.js';
import { DEFAULT_QUEUE_LIMITS, PeerQueue, type QueueLimits } from './peer-queue.js';
import { checkIncoming, type IncomingSink, type NodeAuthority } from './verify-envelope.js';
import type { Delivery, Envelope, NodeId, Transport } from './transport.js';

export { fetchStatus } from './grpc-service.js';

export interface GrpcTransportCommonOptions {
  config: ClusterConfig;
  logger?: TransportLogger;
  /** Called for every dropped message (metrics `dropped{reason}`); peer null = unauthenticated. */
  onDrop?: (reason: DropReason, peer: DropPeer) => void;
  /** Largest envelope sent or accepted; default 64 MiB. */
  maxMessageBytes?: number;
  /** Per-peer send queue bounds; default 10 000 messages / 64 MiB. */
  queue?: QueueLimits;
  /** Hellos older or newer than this are stale; default 30 s. */
  helloSkewMs?: number;
  /** Redial back-off: initial and maximum delay; default 50 ms .. 5 s. */
  backoffMs?: { initial: number; max: number };
  /** Wall clock (hello timestamps); default Date.now. */
  now?: () => number;
}

export interface GrpcTransportOptions extends GrpcTransportCommonOptions {
  auth: ReplicaAuth;
  /** Must equal auth.id when given. */
  self?: number;
  /** Supplies the Status RPC's answer; without it Status fails with UNAVAILABLE. */
  status?: () => ReplicaStatus;
  /** More gRPC services on the same port (state transfer, issue #6). */
  services?: { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation }[];
}

export interface GrpcClientTransportOptions extends GrpcTransportCommonOptions {
  auth: ClientAuth;
}

type Stream = grpc.ClientDuplexStream<Buffer, Buffer> | grpc.ServerDuplexStream<Buffer, Buffer>;

/** Headroom above maxMessageBytes for grpc-js's own limit, so slightly oversize messages are dropped and counted, not fatal to the stream. */
const GRPC_LIMIT_SLACK_BYTES = 1024 * 1024;
const HELLO_TIMEOUT_MS = 10_000;
/**
 * Largest coalesced gRPC message. Envelopes this big or bigger go alone. Kept
 * well below any sensible maxMessageBytes so a bundle never trips a peer's
 * size check that its items would each pass.
 */
const BUNDLE_BYTES_MAX = 64 * 1024;

interface Link {
  id: NodeId;
  queue: PeerQueue;
  stream: Stream | null;
  waitingDrain: boolean;
  flushScheduled: boolean;
  /** Replica to replica: flush at the end of the event-loop turn, coalesced (see the top of this file). */
  coalesce: boolean;
  /** Receives what checkIncoming makes of this peer's messages (one object per link, not per message). */
  sink: IncomingSink;
  // Dialer side only:
  client?: grpc.Client;
  call?: grpc.ClientDuplexStream<Buffer, Buffer>;
  backoffMs: number;
  redialTimer?: NodeJS.Timeout;
}

export class GrpcTransport implements Transport {
  readonly self: NodeId;
  /** The port the server listens on (replicas), or -1 (clients). */
  port = -1;
  private handler: ((delivery: Delivery) => void) | null = null;
  private readonly links = new Map<NodeId, Link>();
  private readonly drops: DropCounter;
  private readonly maxMessageBytes: number;
  private readonly seenHellos = new LRUCache<string, true>({ max: 100_000 });
  private readonly incoming = new Set<grpc.ServerDuplexStream<Buffer, Buffer>>();
  private server: grpc.Server | null = null;
  private closed = false;
  private sent = 0;
  private delivered = 0;
  /** Links with queued messages, flushed together at the end of this event-loop turn. */
  private readonly dirty: Link[] = [];
  private flushImmediate: NodeJS.Immediate | null = null;
  private readonly bundleBytesMax: number;

  constructor(private readonly auth: NodeAuthority, private readonly options: GrpcTransportCommonOptions & Pick<GrpcTransportOptions, 'status' | 'services'>) {
    this.self = auth.id;
    this.drops = new DropCounter(options.logger, options.onDrop);
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.bundleBytesMax = Math.min(BUNDLE_BYTES_MAX, this.maxMessageBytes);
  }

  private get channelOptions(): grpc.ChannelOptions {
    const limit = this.maxMessageBytes + GRPC_LIMIT_SLACK_BYTES;
    return {
      'grpc.max_receive_message_length': limit,
      'grpc.max_send_message_length': limit,
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 5_000,
      // grpc-js's own reconnect back-off (default 1 s initial) would hide our faster redial schedule.
      'grpc.initial_reconnect_backoff_ms': this.backoff.initial,
      'grpc.max_reconnect_backoff_ms': this.backoff.max,
    };
  }

  private now(): number { return (this.options.now ?? Date.now)(); }

  // ── sending ──

  send(to: NodeId, envelope: Envelope): void {
    this.sendRaw(to, this.encode(envelope));
  }

  /** The last signed message encoded: a broadcast hands us one Signed per peer, so encode it once (n-1 copies of its body saved). */
  private lastSigned: { signed: Signed; bytes: Uint8Array } | null = null;
  /** The same for a client's request: read-only ops, retransmissions and big requests go to every replica. */
  private lastRequest: { auth: AuthRequest; bytes: Uint8Array } | null = null;

  private encode(envelope: Envelope): Uint8Array {
    switch (envelope.type) {
      case 'signed':
        if (this.lastSigned?.signed !== envelope.signed) this.lastSigned = { signed: envelope.signed, bytes: encodeEnvelope(envelope) };
        return this.lastSigned.bytes;
      case 'request':
        if (this.lastRequest?.auth !== envelope.auth) this.lastRequest = { auth: envelope.auth, bytes: encodeEnvelope(envelope) };
        return this.lastRequest.bytes;
      default:
        return encodeEnvelope(envelope);
    }
  }

  /** Queue pre-encoded bytes for `to` (tests, Byzantine behaviours). */
  sendRaw(to: NodeId, bytes: Uint8Array): void {
    if (this.closed) return;
    const link = this.links.get(to);
    if (!link) return this.drops.drop('unknown-peer', to);
    if (bytes.length > this.maxMessageBytes) return this.drops.drop('oversize', to, { bytes: bytes.length });
    if (!link.queue.push(bytes)) return this.drops.drop('queue-full', to);
    if (link.coalesce) this.scheduleFlush(link);
    else this.flush(link);
  }

  /**
   * Flush at the end of this event-loop turn rather than now: one step of the
   * core, or the several deliveries one socket read brings, often send more
   * than one message to a peer, and they then share one gRPC message.
   */
  private scheduleFlush(link: Link): void {
    if (link.flushScheduled) return;
    link.flushScheduled = true;
    this.dirty.push(link);
    this.flushImmediate ??= setImmediate(() => this.flushDirty());
  }

  private flushDirty(): void {
    this.flushImmediate = null;
    const links = this.dirty.splice(0);
    for (const link of links) {
      link.flushScheduled = false;
      if (!this.closed) this.flush(link);
    }
  }

  /** The next gRPC message from `queue`: one envelope, or a bundle of the next few that fit in bundleBytesMax together. */
  private nextMessage(queue: PeerQueue): Uint8Array | undefined {
    const first = queue.shift();
    if (!first) return undefined;
    this.sent++;
    if (isBundle(first)) return first;   // pre-encoded by sendRaw (tests): bundles do not nest
    const items = [first];
    let itemsBytes = bundleItemBytes(first);
    for (let next = queue.peek(); next && !isBundle(next) && bundleBytes(itemsBytes + bundleItemBytes(next)) <= this.bundleBytesMax; next = queue.peek()) {
      itemsBytes += bundleItemBytes(next);
      items.push(next);
      queue.shift();
      this.sent++;
    }
    return items.length === 1 ? first : encodeEnvelope({ type: 'bundle', envelopes: items });
  }

  private flush(link: Link): void {
    const stream = link.stream;
    if (!stream || link.waitingDrain) return;
    for (let bytes = this.nextMessage(link.queue); bytes; bytes = this.nextMessage(link.queue)) {
      if (!stream.write(toBuffer(bytes))) {
        // grpc's buffer is full: wait for it to drain; our bounded queue absorbs the rest.
        link.waitingDrain = true;
        stream.once('drain', () => {
          link.waitingDrain = false;
          this.flush(link);
        });
        return;
      }
    }
  }

  private attach(link: Link, stream: Stream): void {
    if (link.stream && link.stream !== stream && !('cancel' in link.stream)) link.stream.end();   // the peer reconnected: retire its old session
    link.stream = stream;
    link.waitingDrain = false;
    this.flush(link);
  }

  private detach(link: Link, stream: Stream): void {
    if (link.stream === stream) {
      link.stream = null;
      link.waitingDrain = false;
    }
  }

  // ── receiving ──

  onDelivery(handler: (delivery: Delivery) => void): void { this.handler = handler; }

  private receive(link: Link, bytes: Buffer): void {
    if (this.closed) return;
    checkIncoming(this.auth, bytes, link.id, this.maxMessageBytes, link.sink);
  }

  private sinkFor(from: NodeId): IncomingSink {
    return {
      deliver: (delivery) => {
        if (this.closed) return;   // a bundle's later items after close() in the handler
        this.delivered++;
        try {
          this.handler?.(delivery);
        } catch (err) {
          this.options.logger?.error({ err, from }, 'delivery handler threw');
        }
      },
      drop: (reason, detail) => this.drops.drop(reason, from, detail),
    };
  }

  // ── links and dialing ──

  /** @internal */
  setUpLinks(): void {
    const limits = this.options.queue ?? DEFAULT_QUEUE_LIMITS;
    const ids = [...this.auth.config.replicas.map((r) => r.id), ...(this.auth.isReplica(this.self) ? this.auth.config.clients.map((c) => c.id) : [])];
    for (const id of ids) {
      if (id === this.self) continue;
      this.links.set(id, {
        id, queue: new PeerQueue(limits), stream: null, waitingDrain: false, flushScheduled: false, sink: this.sinkFor(id), backoffMs: this.backoff.initial,
        coalesce: this.auth.isReplica(this.self) && this.auth.isReplica(id),
      });
    }
    for (const link of this.links.values()) if (this.dialsTo(link.id)) this.dial(link);
  }

  // Capped at 1 s: a failed dial on a LAN costs next to nothing, while a replica
  // that restarted hears from the lower ids only when they redial it (with 5 s, a
  // restarted replica missed checkpoint votes long enough to suspect the primary).
  private get backoff(): { initial: number; max: number } { return this.options.backoffMs ?? { initial: 50, max: 1_000 }; }

  /** Clients dial every replica; between replicas the lower id dials. */
  private dialsTo(id: NodeId): boolean {
    return this.auth.isReplica(id) && (!this.auth.isReplica(this.self) || this.self < id);
  }

  private dial(link: Link): void {
    if (this.closed) return;
    const replica = this.auth.config.replicas[link.id];
    link.client ??= new grpc.Client(`${replica.host}:${replica.port}`, grpc.credentials.createInsecure(), this.channelOptions);
    const call = link.client.makeBidiStreamRequest(STREAM_PATH, toBuffer, (b: Buffer) => b);
    link.call = call;
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      this.detach(link, call);
      this.scheduleRedial(link);
    };
    call.on('metadata', () => {   // the listener accepted our hello
      link.backoffMs = this.backoff.initial;
      this.attach(link, call);
    });
    call.on('data', (bytes: Buffer) => this.receive(link, bytes));
    call.on('error', (err: grpc.ServiceError) => {
      if (!this.closed) this.onDialError(link, err);
      end();
    });
    call.on('status', end);
    call.on('end', end);
    call.write(toBuffer(encodeEnvelope({ type: 'hello', hello: this.auth.makeHello(link.id, this.now()) })));
  }

  private readonly refusalsLogged = new Set<NodeId>();

  private onDialError(link: Link, err: grpc.ServiceError): void {
    const fields = { peer: link.id, code: err.code, details: err.details };
    // A refused hello will not fix itself (wrong keys or a skewed clock): say so once, loudly.
    if (err.code === grpc.status.UNAUTHENTICATED && !this.refusalsLogged.has(link.id)) {
      this.refusalsLogged.add(link.id);
      this.options.logger?.warn(fields, 'peer refused our hello: check that cluster.json and the key files match, and that clocks agree');
    } else {
      this.options.logger?.debug(fields, 'stream to peer failed; redialing');
    }
  }

  private scheduleRedial(link: Link): void {
    if (this.closed || link.redialTimer) return;
    const delayMs = link.backoffMs;
    link.backoffMs = Math.min(link.backoffMs * 2, this.backoff.max);
    link.redialTimer = setTimeout(() => {
      link.redialTimer = undefined;
      this.dial(link);
    }, delayMs);
  }

  // ── listening ──

  /** @internal */
  async listen(host: string, port: number): Promise<void> {
    const limit = this.maxMessageBytes + GRPC_LIMIT_SLACK_BYTES;
    const server = new grpc.Server({ ...this.channelOptions, 'grpc.max_receive_message_length': limit });
    server.addService(replicaService, {
      Stream: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => this.onIncoming(call),
      Status: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => this.onStatus(callback),
    });
    for (const s of this.options.services ?? []) server.addService(s.definition, s.implementation);
    this.server = server;
    this.port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
  }

  private onStatus(callback: grpc.sendUnaryData<Buffer>): void {
    const status = this.options.status;
    if (!status) return callback({ code: grpc.status.UNAVAILABLE, details: 'this node serves no status' });
    try {
      callback(null, toBuffer(statusToWire(status())));
    } catch (err) {
      callback({ code: grpc.status.INTERNAL, details: (err as Error).message });
    }
  }

  private onIncoming(call: grpc.ServerDuplexStream<Buffer, Buffer>): void {
    if (this.closed) return void call.end();
    this.incoming.add(call);
    let link: Link | null = null;
    const reject = (reason: DropReason): void => {
      this.drops.drop(reason, null, { address: call.getPeer() });
      call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: reason });
    };
    const timer = setTimeout(() => { if (!link) reject('not-authenticated'); }, HELLO_TIMEOUT_MS);
    timer.unref();
    call.on('data', (bytes: Buffer) => {
      if (link) return this.receive(link, bytes);
      const peer = this.openHello(bytes);
      if (typeof peer === 'string') return reject(peer);
      link = this.links.get(peer) ?? null;
      if (!link) return reject('hello-unknown-node');
      call.sendMetadata(new grpc.Metadata());
      this.attach(link, call);
    });
    const done = (): void => {
      clearTimeout(timer);
      this.incoming.delete(call);
      if (link) this.detach(link, call);
    };
    call.on('error', done);
    call.on('end', () => { done(); call.end(); });
    call.on('close', done);
    call.on('cancelled', done);
  }

  private openHello(bytes: Buffer): NodeId | DropReason {
    if (bytes.length > this.maxMessageBytes) return 'oversize';
    const envelope = decodeEnvelope(bytes);
    if (!envelope) return 'hello-malformed';
    if (envelope.type !== 'hello') return 'not-authenticated';
    const hello: Hello = envelope.hello;
    const skewMs = this.options.helloSkewMs ?? 30_000;
    const peer = this.auth.openHello(hello, this.now(), skewMs);
    if (typeof peer === 'string') return peer;
    // A captured hello replayed within the skew window would hijack the peer's replies.
    const nonce = `${peer}/${toBuffer(decodeHelloBody(hello.body)?.nonce ?? new Uint8Array(0)).toString('base64')}`;
    if (this.seenHellos.has(nonce)) return 'hello-replayed';
    this.seenHellos.set(nonce, true, { ttl: 2 * skewMs });
    return peer;
  }

  // ── lifecycle ──

  stats(): TransportStats {
    return {
      sent: this.sent, delivered: this.delivered, dropped: { ...this.drops.counts },
      peers: [...this.links.values()].map((l) => ({ id: l.id, connected: l.stream !== null, queuedMessages: l.queue.length, queuedBytes: l.queue.bytes })),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.flushImmediate) clearImmediate(this.flushImmediate);
    for (const link of this.links.values()) {
      clearTimeout(link.redialTimer);
      link.call?.cancel();
      link.client?.close();
      link.queue.clear();
      link.stream = null;
    }
    for (const call of this.incoming) call.end();
    this.incoming.clear();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    server?.forceShutdown();
  }
}

/** A replica's transport: listens on its cluster port and connects to every other replica. */
export async function createGrpcTransport(options: GrpcTransportOptions): Promise<GrpcTransport> {
  const self = options.self ?? options.auth.id;
  if (self !== options.auth.id) throw new Error(`createGrpcTransport: self ${self} does not match the key of node ${options.auth.id}`);
  const me = options.config.replicas[self];
  if (!me) throw new Error(`createGrpcTransport: ${self} is not a replica of the cluster`);
  const transport = new GrpcTransport(options.auth, options);
  await transport.listen(me.host, me.port);
  transport.setUpLinks();
  return transport;
}

/** A client session: connects to every replica; replies arrive on these streams. */
export function createGrpcClientTransport(options: GrpcClientTransportOptions): GrpcTransport {
  const transport = new GrpcTransport(options.auth, options);
  transport.setUpLinks();
  return transport;
}
