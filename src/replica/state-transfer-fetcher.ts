// The runtime side of state transfer: fetch the state of a certified checkpoint
// from the other replicas into our live tree, partition by partition.
//
// 1. Ask one replica for its partition listing at the wanted seq and check that
//    it implies the certified state digest (FileTree.digestFromPartitions).
// 2. Fetch only the partitions whose digest differs from ours (diffPartitions),
//    a bounded number of bytes per call; each blob is checked against the
//    listing before it is imported (importPartition refuses anything else).
// 3. Check the whole tree's digest against the certified one.
// A wrong, missing, late or malformed answer moves us on to the next replica.
// Memory is bounded by one reply (bytesPerCall, at least one partition).
import * as grpc from '@grpc/grpc-js';
import { FileTree, type FileTreeOptions, type PartitionDigest } from '../fs/file-tree.js';
import type { ReplicaInfo } from '../transport/cluster-config.js';
import type { Signed } from '../pbft/types.js';
import type { Logger } from './logger.js';
import { callFetch, FETCH_BYTES_DEFAULT } from './state-transfer-service.js';

export interface FetcherOptions {
  self: number;
  replicas: readonly ReplicaInfo[];
  /** The live tree we install into (the core executes nothing meanwhile). */
  tree: FileTree;
  treeOptions: FileTreeOptions;
  /** A tree loaded from our own checkpoint file: partitions whose digest matches the listing are taken from it. */
  local?: FileTree;
  logger: Logger;
  /** Called once the tree's digest equals the certified digest of `seq`. */
  onInstalled(seq: number, digest: Uint8Array): void;
  /** Then: the signed messages of batches committed after it, for the core to verify and process. */
  deliverLog?(log: Signed[]): void;
  /** The core's last executed seq (to ask for the log after it). */
  lastExecuted?(): number;
  bytesPerCall?: number;
  callTimeoutMs?: number;
  /** Pause after a full round of replicas failed (they may not have reached the checkpoint yet). */
  retryDelayMs?: number;
  maxMessageBytes?: number;
}

export interface TransferStats { seq: number; partitions: number; bytes: number; ms: number; source: number }

interface Target { seq: number; digest: Uint8Array }

class TargetChanged extends Error {}

/** Log requests after a transfer (each up to one window of batches). */
const LOG_ROUNDS_MAX = 8;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').slice(0, 16);

export class StateFetcher {
  private target: Target | null = null;
  private running = false;
  private stopped = false;
  private readonly clients = new Map<number, grpc.Client>();
  private next: number;
  /** The last completed transfer (for logs, tests and the report's numbers). */
  lastStats: TransferStats | undefined;

  constructor(private readonly opts: FetcherOptions) {
    this.next = (opts.self + 1) % opts.replicas.length;
  }

  /** The core asked for this checkpoint (a later call replaces an earlier target). */
  fetch(seq: number, digest: Uint8Array): void {
    this.target = { seq, digest };
    if (!this.running) void this.loop();
  }

  stop(): void {
    this.stopped = true;
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.target && !this.stopped) {
        const t = this.target;
        const done = await this.tryOneRound(t);
        if (done) return;
        await sleep(this.opts.retryDelayMs ?? 200);
      }
    } finally {
      this.running = false;
    }
  }

  /** Try every other replica once; true when the state is installed. */
  private async tryOneRound(t: Target): Promise<boolean> {
    const n = this.opts.replicas.length;
    for (let k = 0; k < n - 1 && !this.stopped; k++) {
      const source = this.next;
      this.next = (this.next + 1) % n;
      if (source === this.opts.self) { k--; continue; }
      try {
        await this.fetchFrom(source, t);
        this.target = null;
        this.opts.onInstalled(t.seq, t.digest);
        await this.catchUpLog(source, t.seq);
        return true;
      } catch (err) {
        if (err instanceof TargetChanged) return false;
        this.opts.logger.warn({ source, seq: t.seq, err: (err as Error).message }, `state transfer from replica ${source} failed; trying another`);
      }
    }
    return false;
  }

  private async fetchFrom(source: number, t: Target): Promise<void> {
    const started = Date.now();
    const client = this.client(source);
    const timeoutMs = this.opts.callTimeoutMs ?? 30_000;
    const first = await callFetch(client, { seq: t.seq, list: true, partitions: [], bytesMax: 0 }, timeoutMs);
    if (first.seq !== t.seq) throw new Error(`it holds checkpoint ${first.seq}, not ${t.seq}`);
    const listed = FileTree.digestFromPartitions(first.listing, this.opts.treeOptions);
    if (!sameBytes(listed, t.digest)) throw new Error(`its partition listing implies state ${hex(listed)}, the certified one is ${hex(t.digest)}`);
    const expected = new Map<number, Uint8Array>(first.listing.map((p: PartitionDigest) => [p.index, p.digest]));
    let wanted = this.opts.tree.diffPartitions(first.listing);
    const total = wanted.length;
    let bytes = 0;
    wanted = this.importLocal(wanted, expected);
    this.opts.logger.info({ source, seq: t.seq, partitions: total }, `state transfer: fetching ${total} partitions of checkpoint ${t.seq} from replica ${source}`);
    while (wanted.length > 0) {
      if (this.target !== t) throw new TargetChanged();
      const reply = await callFetch(client, { seq: t.seq, list: false, partitions: wanted, bytesMax: this.opts.bytesPerCall ?? FETCH_BYTES_DEFAULT }, timeoutMs);
      if (reply.seq !== t.seq) throw new Error(`it moved to checkpoint ${reply.seq}`);
      if (reply.indices.length === 0) throw new Error('it sent no partition');
      for (let i = 0; i < reply.indices.length; i++) {
        const index = reply.indices[i];
        if (index !== wanted[i]) throw new Error(`it sent partition ${index}, we asked for ${wanted[i]}`);
        // Partitions only we have are absent from the listing: the blob must empty them.
        this.opts.tree.importPartition(index, reply.blobs[i], expected.get(index) ?? new Uint8Array(32));
        bytes += reply.blobs[i].length;
      }
      wanted = wanted.slice(reply.indices.length);
    }
    const final = this.opts.tree.digest();
    if (!sameBytes(final, t.digest)) throw new Error(`state after transfer is ${hex(final)}, the certified one is ${hex(t.digest)}`);
    const ms = Date.now() - started;
    this.lastStats = { seq: t.seq, partitions: total, bytes, ms, source };
    const mibps = ms > 0 ? bytes / 1048576 / (ms / 1000) : 0;
    this.opts.logger.info({ source, seq: t.seq, partitions: total, bytes, ms, mibPerS: Number(mibps.toFixed(1)) },
      `state transfer done: checkpoint ${t.seq}, ${total} partitions, ${(bytes / 1048576).toFixed(1)} MiB in ${ms} ms`);
  }

  /** Partitions our disk copy already has with the listed digest: no network needed. */
  private importLocal(wanted: number[], expected: Map<number, Uint8Array>): number[] {
    const local = this.opts.local;
    if (!local) return wanted;
    const have = new Map(local.partitions().map((p) => [p.index, p.digest]));
    const rest: number[] = [];
    for (const i of wanted) {
      const want = expected.get(i);
      const got = have.get(i);
      if (want && got && sameBytes(want, got)) this.opts.tree.importPartition(i, local.exportPartition(i), want);
      else rest.push(i);
    }
    if (rest.length < wanted.length) this.opts.logger.info({ partitions: wanted.length - rest.length }, `state transfer: ${wanted.length - rest.length} partitions from our checkpoint file`);
    return rest;
  }

  /** Batches committed since the checkpoint: nobody retransmits them, so ask the source. */
  private async catchUpLog(source: number, seq: number): Promise<void> {
    const { deliverLog, lastExecuted } = this.opts;
    if (!deliverLog || !lastExecuted) return;
    try {
      for (let round = 0; round < LOG_ROUNDS_MAX && !this.stopped && !this.target; round++) {
        const from = lastExecuted() + 1;
        const reply = await callFetch(this.client(source), { seq, list: false, partitions: [], bytesMax: 0, logFrom: from }, this.opts.callTimeoutMs ?? 30_000);
        if (reply.log.length === 0) return;
        deliverLog(reply.log);
        if (lastExecuted() < from) return;
      }
    } catch (err) {
      this.opts.logger.warn({ source, err: (err as Error).message }, 'fetching the log after a state transfer failed; waiting for the next checkpoint');
    }
  }

  private client(id: number): grpc.Client {
    let c = this.clients.get(id);
    if (!c) {
      const r = this.opts.replicas[id];
      const limit = (this.opts.maxMessageBytes ?? 64 * 1024 * 1024) + 1024 * 1024;
      c = new grpc.Client(`${r.host}:${r.port}`, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': limit });
      this.clients.set(id, c);
    }
    return c;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
