// The runtime side of state transfer: fetch the state of a certified checkpoint
// from the other replicas into our live tree, partition by partition.
//
// 1. Ask one replica for its partition listing at the wanted seq and check that
//    it implies the certified state digest (FileTree.digestFromPartitions).
// 2. Fetch only the partitions whose digest differs from ours (diffPartitions)
//    in chunks of at most chunkBytesMax per call (a partition of any size: a
//    1 GiB file moves in 4 MiB messages). Each partition is staged aside and
//    installed only once its digest equals the listing's (PartitionImport).
// 3. Check the whole tree's digest against the certified one.
// A wrong, missing, late or malformed answer moves us on to the next replica.
//
// Memory: one reply being processed, the next one in flight (asked for as soon
// as a reply arrives, from the cursor the server claims; checked against the
// cursor we compute before it is used), and the partition being staged.
import * as grpc from '@grpc/grpc-js';
import { FileTree, type FileTreeOptions, type PartitionDigest, type PartitionImport } from '../fs/file-tree.js';
import type { ReplicaInfo } from '../transport/cluster-config.js';
import type { Signed } from '../pbft/types.js';
import type { Logger } from './logger.js';
import type { ReplicaMetrics } from './metrics.js';
import { callFetch, FETCH_BYTES_DEFAULT, PARTITIONS_PER_REPLY_MAX, startFetch, type FetchCall, type WireChunk } from './state-transfer-service.js';

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
  /** Partition bytes per call (the server caps it at 32 MiB); tests use small ones. */
  chunkBytesMax?: number;
  callTimeoutMs?: number;
  /** Pause after a full round of replicas failed (they may not have reached the checkpoint yet). */
  retryDelayMs?: number;
  maxMessageBytes?: number;
  /** The replica's registry: bfs_state_transfer_* (see metrics.ts). */
  metrics?: ReplicaMetrics;
}

export interface TransferStats {
  seq: number;
  /** Partitions that differed, and how many of them came over the network. */
  partitions: number; fetchedPartitions: number;
  bytes: number; chunks: number;
  /** This source's transfer, and from the core's request to the install (retries included). */
  ms: number; catchUpMs: number;
  source: number;
  /** The largest reply's partition bytes. */
  chunkBytesLargest: number;
}

interface Target { seq: number; digest: Uint8Array; askedAt: number }

class TargetChanged extends Error {}
/** The source sent something that does not verify: a Byzantine or broken replica. */
class Refused extends Error {}

/** Log requests after a transfer (each up to one window of batches). */
const LOG_ROUNDS_MAX = 8;
const ZERO_DIGEST = new Uint8Array(32);

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').slice(0, 16);

interface Progress { bytes: number; chunks: number; fetched: number; chunkBytesLargest: number }

export class StateFetcher {
  private target: Target | null = null;
  private running = false;
  private stopped = false;
  private readonly clients = new Map<number, grpc.Client>();
  private next: number;
  /** The last completed transfer (for logs, tests and the bench). */
  lastStats: TransferStats | undefined;
  /** Our checkpoint file's tree, until the first install (then it is older than our state: dropped). */
  private local: FileTree | undefined;

  constructor(private readonly opts: FetcherOptions) {
    this.next = (opts.self + 1) % opts.replicas.length;
    this.local = opts.local;
  }

  /** The core asked for this checkpoint (a later call replaces an earlier target). */
  fetch(seq: number, digest: Uint8Array): void {
    this.target = { seq, digest, askedAt: this.target?.askedAt ?? Date.now() };
    this.opts.metrics?.stateTransferActive.set(1);
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
    const m = this.opts.metrics;
    for (let k = 0; k < n - 1 && !this.stopped; k++) {
      const source = this.next;
      this.next = (this.next + 1) % n;
      if (source === this.opts.self) { k--; continue; }
      try {
        await this.fetchFrom(source, t);
        this.target = null;
        this.local = undefined;
        m?.stateTransfers.inc({ result: 'installed' });
        m?.stateTransferDuration.observe((Date.now() - t.askedAt) / 1000);
        m?.stateTransferActive.set(0);
        this.opts.onInstalled(t.seq, t.digest);
        await this.catchUpLog(source, t.seq);
        return true;
      } catch (err) {
        if (err instanceof TargetChanged) { m?.stateTransfers.inc({ result: 'superseded' }); return false; }
        m?.stateTransfers.inc({ result: err instanceof Refused ? 'refused' : 'failed' });
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
    if (!sameBytes(listed, t.digest)) throw new Refused(`its partition listing implies state ${hex(listed)}, the certified one is ${hex(t.digest)}`);
    const expected = new Map<number, Uint8Array>(first.listing.map((p: PartitionDigest) => [p.index, p.digest]));
    const differing = this.opts.tree.diffPartitions(first.listing);
    const wanted = this.importLocal(differing, expected);
    this.opts.logger.info({ source, seq: t.seq, partitions: wanted.length }, `state transfer: fetching ${wanted.length} partitions of checkpoint ${t.seq} from replica ${source}`);
    const progress: Progress = { bytes: 0, chunks: 0, fetched: 0, chunkBytesLargest: 0 };
    await this.fetchPartitions(client, t, wanted, expected, progress);
    const final = this.opts.tree.digest();
    if (!sameBytes(final, t.digest)) throw new Refused(`state after transfer is ${hex(final)}, the certified one is ${hex(t.digest)}`);
    const ms = Date.now() - started;
    this.lastStats = {
      seq: t.seq, partitions: differing.length, fetchedPartitions: progress.fetched, bytes: progress.bytes, chunks: progress.chunks,
      ms, catchUpMs: Date.now() - t.askedAt, source, chunkBytesLargest: progress.chunkBytesLargest,
    };
    const mibps = ms > 0 ? progress.bytes / 1048576 / (ms / 1000) : 0;
    this.opts.logger.info({ source, seq: t.seq, partitions: progress.fetched, chunks: progress.chunks, bytes: progress.bytes, ms, mibPerS: Number(mibps.toFixed(1)) },
      `state transfer done: checkpoint ${t.seq}, ${progress.fetched} partitions, ${(progress.bytes / 1048576).toFixed(1)} MiB in ${ms} ms`);
  }

  /**
   * Fetches `wanted` (ascending) from one source in chunks and installs each
   * partition once it verifies. The next call is in flight while a reply is
   * processed.
   */
  private async fetchPartitions(client: grpc.Client, t: Target, wanted: number[], expected: Map<number, Uint8Array>, progress: Progress): Promise<void> {
    const timeoutMs = this.opts.callTimeoutMs ?? 30_000;
    const chunkBytesMax = this.opts.chunkBytesMax ?? FETCH_BYTES_DEFAULT;
    const ask = (partitions: number[], cursor?: Uint8Array): FetchCall => {
      const call = startFetch(client, { seq: t.seq, list: false, partitions: partitions.slice(0, PARTITIONS_PER_REPLY_MAX), bytesMax: chunkBytesMax, chunked: true, cursor }, timeoutMs);
      call.reply.catch(() => undefined);   // an abandoned call must not be an unhandled rejection
      return call;
    };
    let pending: FetchCall | undefined = wanted.length > 0 ? ask(wanted) : undefined;
    let staging: PartitionImport | undefined;
    let at = 0;   // wanted[at] is the partition being fetched
    try {
      while (pending) {
        if (this.target !== t || this.stopped) throw new TargetChanged();
        const reply = await pending.reply;
        pending = undefined;
        if (reply.seq !== t.seq) throw new Error(`it moved to checkpoint ${reply.seq}`);
        if (reply.chunks.length === 0) throw new Refused('it sent no chunk');
        const ahead = nextAsk(wanted, at, reply.chunks);
        if (ahead) pending = ask(ahead.partitions, ahead.cursor);
        let replyBytes = 0;
        for (let k = 0; k < reply.chunks.length; k++) {
          const chunk = reply.chunks[k];
          const index = wanted[at];
          if (chunk.index !== index) throw new Refused(`it sent a chunk of partition ${chunk.index}, we asked for ${index}`);
          staging ??= this.opts.tree.importPartitionChunks(index);
          const unitsBefore = staging.units;
          refuseOnThrow(() => staging?.push(chunk.data));
          progress.bytes += chunk.data.length;
          progress.chunks++;
          replyBytes += chunk.data.length;
          this.opts.metrics?.stateTransferBytes.inc(chunk.data.length);
          this.opts.metrics?.stateTransferChunks.inc();
          if (chunk.done) {
            refuseOnThrow(() => staging?.finish(expected.get(index) ?? ZERO_DIGEST));
            staging = undefined;
            at++;
            progress.fetched++;
            this.opts.metrics?.stateTransferPartitions.inc({ from: 'network' });
            continue;
          }
          if (k !== reply.chunks.length - 1) throw new Refused(`it sent more after an unfinished chunk of partition ${index}`);
          if (staging.units === unitsBefore) throw new Refused(`it sent a chunk of partition ${index} without progress`);
          if (!sameBytes(staging.cursor(), chunk.next)) throw new Refused(`its cursor for partition ${index} does not follow its chunks`);
        }
        progress.chunkBytesLargest = Math.max(progress.chunkBytesLargest, replyBytes);
      }
      if (at < wanted.length) throw new Refused(`it stopped after ${at} of ${wanted.length} partitions`);
    } finally {
      pending?.cancel();
    }
  }

  /** Partitions our disk copy already has with the listed digest: no network needed. */
  private importLocal(wanted: number[], expected: Map<number, Uint8Array>): number[] {
    const local = this.local;
    if (!local) return wanted;
    const have = new Map(local.partitions().map((p) => [p.index, p.digest]));
    const rest: number[] = [];
    for (const i of wanted) {
      const want = expected.get(i);
      const got = have.get(i);
      if (!want || !got || !sameBytes(want, got)) { rest.push(i); continue; }
      // Its digest (computed from its content) is the listed one: shared, not copied.
      this.opts.tree.sharePartitionFrom(local, i);
      this.opts.metrics?.stateTransferPartitions.inc({ from: 'local' });
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

/**
 * What to ask for after `chunks` (as the server claims them: checked while
 * they are processed): the partitions not finished by them, the first from the
 * cursor of its unfinished chunk. Undefined when nothing is left.
 */
function nextAsk(wanted: number[], at: number, chunks: WireChunk[]): { partitions: number[]; cursor?: Uint8Array } | undefined {
  const finished = chunks.filter((c) => c.done).length;
  const partitions = wanted.slice(at + finished);
  if (partitions.length === 0) return undefined;
  const last = chunks[chunks.length - 1];
  return { partitions, cursor: last.done ? undefined : last.next };
}

/** Errors from staging a chunk are the source's fault. */
function refuseOnThrow(f: () => void): void {
  try {
    f();
  } catch (err) {
    throw new Refused((err as Error).message);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
