// PbftInvoker: file requests through the replicated group. Each slot is one
// client identity (ClientCore + its transport) with at most one request
// outstanding, as PBFT's per-client timestamps and last-reply cache require;
// requests beyond the number of slots wait in a FIFO queue. A timer ticks the
// cores (retransmission, back-off) and bounds how long a request may wait.
// connectBfs builds one from a cluster file and client key(s): the one-call
// entry for the CLI, the mount and the benchmarks.
import type { ClientOutput, Reply } from '../pbft/types.js';
import { decodeFsResult, encodeFsRequest } from '../transport/codec.js';
import type { Delivery, NodeId, Transport } from '../transport/transport.js';
import { isReadOnlyOp, type Credentials, type FsRequest, type FsResult } from '../fs/types.js';
import type { Invoker } from './invoker.js';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { readKeyFile, type KeyFile } from '../crypto/key-file.js';
import { ClientAuth } from '../crypto/node-auth.js';
import { getProvider, type ProviderName } from '../crypto/providers.js';
import { ClientCore } from '../pbft/client-core.js';
import { keyFilePath, loadClusterConfig, type ClusterConfig } from '../transport/cluster-config.js';
import { createGrpcClientTransport } from '../transport/grpc.js';
import { BfsClient } from './bfs-client.js';

/** What the invoker needs of src/pbft's ClientCore. */
export interface ClientCoreLike {
  submit(op: Uint8Array, readOnly: boolean): ClientOutput[];
  onReply(reply: Reply): ClientOutput[];
  tick(nowMs: number): ClientOutput[];
}

export interface PbftInvokerOptions {
  /** One per client identity; index i is slot i. `makeCore` is called again to replace a core whose request timed out. */
  slots: Array<{ transport: Transport; makeCore: () => ClientCoreLike }>;
  /** Replica ids, for outputs addressed to 'all'. */
  replicas: NodeId[];
  tickMs: number;
  /** Give up on a request after this long (queueing time not counted). */
  requestTimeoutMs: number;
  /** Wall clock in ms (tests inject one). */
  clock?: () => number;
  /** false: send read-only ops through the ordered path too (BFS-strict, for benchmarks). Default true. */
  readOnlyOptimization?: boolean;
}

interface Pending {
  req: FsRequest;
  resolve: (result: FsResult) => void;
  reject: (err: Error) => void;
  deadlineMs?: number;
}

interface Slot {
  transport: Transport;
  makeCore: () => ClientCoreLike;
  core: ClientCoreLike;
  busy?: Pending;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 45_000;

export class NoQuorumError extends Error {
  constructor(seconds: number) {
    super(`no quorum of replies after ${seconds}s: are the replicas up? (bfs status)`);
    this.name = 'NoQuorumError';
  }
}

export class PbftInvoker implements Invoker {
  private readonly slots: Slot[];
  private readonly queue: Pending[] = [];
  private readonly clock: () => number;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: PbftInvokerOptions) {
    if (options.slots.length === 0) throw new Error('PbftInvoker needs at least one client slot');
    this.clock = options.clock ?? Date.now;
    this.slots = options.slots.map(({ transport, makeCore }) => ({ transport, makeCore, core: makeCore() }));
    for (const slot of this.slots) slot.transport.onDelivery((d) => this.onDelivery(slot, d));
  }

  /** Requests in flight and waiting (for metrics and tests). */
  get load(): { inFlight: number; queued: number } {
    return { inFlight: this.slots.filter((s) => s.busy).length, queued: this.queue.length };
  }

  invoke(req: FsRequest): Promise<FsResult> {
    if (this.closed) return Promise.reject(new Error('bfs client is closed'));
    this.startTimer();
    return new Promise<FsResult>((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTimer();
    const err = new Error('bfs client closed while the request was in flight');
    for (const slot of this.slots) {
      slot.busy?.reject(err);
      slot.busy = undefined;
    }
    for (const p of this.queue.splice(0)) p.reject(err);
    await Promise.all(this.slots.map((s) => s.transport.close()));
  }

  /** Give queued requests to idle slots. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = this.queue.shift();
      if (!next) return;
      this.start(slot, next);
    }
  }

  private start(slot: Slot, pending: Pending): void {
    slot.busy = pending;
    pending.deadlineMs = this.clock() + this.options.requestTimeoutMs;
    let op: Uint8Array;
    try {
      op = encodeFsRequest(pending.req);
    } catch (err) {
      this.finish(slot, () => pending.reject(new Error(`cannot encode ${pending.req.op} request: ${(err as Error).message}`)));
      return;
    }
    this.perform(slot, slot.core.submit(op, this.options.readOnlyOptimization !== false && isReadOnlyOp(pending.req)));
  }

  private onDelivery(slot: Slot, delivery: Delivery): void {
    // A transport delivers only verified replies addressed to its client; anything else is not for us.
    if (delivery.type !== 'reply' || this.closed) return;
    this.perform(slot, slot.core.onReply(delivery.reply));
  }

  private perform(slot: Slot, outputs: ClientOutput[]): void {
    for (const out of outputs) {
      if (out.type === 'send') {
        const targets = out.to === 'all' ? this.options.replicas : [out.to];
        for (const to of targets) slot.transport.send(to, { type: 'request', auth: out.auth });
      } else {
        this.onDone(slot, out.result);
      }
    }
  }

  private onDone(slot: Slot, resultBytes: Uint8Array): void {
    const pending = slot.busy;
    if (!pending) return;
    const result = decodeFsResult(resultBytes);
    // f+1 replicas agreed on these bytes, so a correct one produced them: undecodable means our codec and theirs differ.
    this.finish(slot, () => (result ? pending.resolve(result) : pending.reject(new Error(`${pending.req.op}: the replicas' agreed result does not decode (version mismatch?)`))));
  }

  private finish(slot: Slot, settle: () => void): void {
    slot.busy = undefined;
    settle();
    this.dispatch();
    if (this.queue.length === 0 && this.slots.every((s) => !s.busy)) this.stopTimer();
  }

  /** The timer runs (and keeps the process alive) exactly while requests are pending. */
  private startTimer(): void {
    this.timer ??= setInterval(() => this.onTick(), this.options.tickMs);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private onTick(): void {
    const now = this.clock();
    for (const slot of this.slots) {
      const pending = slot.busy;
      if (!pending) continue;
      if (pending.deadlineMs !== undefined && now >= pending.deadlineMs) {
        // The old core still waits for this request; a fresh one (new timestamps) takes the slot.
        slot.core = slot.makeCore();
        this.finish(slot, () => pending.reject(new NoQuorumError(Math.round(this.options.requestTimeoutMs / 1000))));
        continue;
      }
      this.perform(slot, slot.core.tick(now));
    }
  }
}

// ── connectBfs: cluster file + key(s) -> BfsClient over PBFT/gRPC ──

/** Client ticks: fine enough for the core's 150 ms first retransmission timeout. */
export const DEFAULT_CLIENT_TICK_MS = 20;

export interface ConnectOptions {
  configPath: string;
  /**
   * Client key file(s). Each key is one client identity and one request in
   * flight; several keys let a mount run requests in parallel. Two processes
   * must never share a key (their timestamps would collide). Default: the
   * first client's key beside the cluster file (DIR/keys/client-ID.json).
   */
  keyPath?: string | string[];
  /** Who requests act as by default (default: this process's uid/gid/groups). */
  cred?: Credentials;
  tickMs?: number;
  /** Give up on a request after this long (default 45 s, below the mount's 60 s FUSE timeout). */
  requestTimeoutMs?: number;
  provider?: ProviderName;
  log?: Logger;
  /** false: read-only ops take the ordered path too (BFS-strict). Default true. */
  readOnlyOptimization?: boolean;
}

function defaultKeyPath(configPath: string, config: ClusterConfig): string {
  const first = config.clients[0];
  if (first === undefined) throw new Error(`cluster file ${configPath}: lists no clients (re-create it with \`bfs init DIR\`)`);
  return keyFilePath(dirname(configPath), first.id);
}

function checkClientKey(key: KeyFile, path: string, config: ClusterConfig, configPath: string): void {
  if (!config.clients.some((c) => c.id === key.id)) {
    throw new Error(`key file ${path}: node ${key.id} is not a client in ${configPath} (use a client key from the same \`bfs init\`)`);
  }
}

/** Connect to the group named by the cluster file; resolves once the client is ready to send. */
export async function connectBfs(options: ConnectOptions): Promise<BfsClient> {
  return new BfsClient(connectInvoker(options), { cred: options.cred });
}

/** The Invoker under connectBfs, for callers that wrap it (tests, tracing). */
export function connectInvoker(options: ConnectOptions): PbftInvoker {
  const config = loadClusterConfig(options.configPath);
  const keyPaths = options.keyPath === undefined ? [defaultKeyPath(options.configPath, config)] : [options.keyPath].flat();
  const provider = getProvider(options.provider ?? 'native');
  const n = config.replicas.length;
  const slots = keyPaths.map((path) => {
    const key = readKeyFile(path);
    checkClientKey(key, path, config, options.configPath);
    const auth = new ClientAuth({ config, key, provider });
    const transport = createGrpcClientTransport({ config, auth, logger: options.log });
    // Timestamps from the wall clock in µs, so a restarted client (or a core
    // replaced after a timeout) never reuses one the replicas have seen.
    const makeCore = (): ClientCore => new ClientCore({ id: key.id, n, initialTimestamp: Date.now() * 1000, seed: (Date.now() ^ key.id) >>> 0 }, auth);
    return { transport, makeCore };
  });
  return new PbftInvoker({
    slots,
    replicas: config.replicas.map((r) => r.id),
    tickMs: options.tickMs ?? DEFAULT_CLIENT_TICK_MS,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    readOnlyOptimization: options.readOnlyOptimization,
  });
}
