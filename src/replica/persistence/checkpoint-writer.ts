// Keeps DIR at the last stable checkpoint, incrementally: each stable
// checkpoint writes only the segments of partitions that have no file yet
// (segment-file.ts: content-addressed names), then the manifest
// (manifest-file.ts) that names them all, then removes the files no manifest
// needs any more. A crash at any point leaves the previous manifest and every
// file it names: new files only ever get new names, and old ones go only
// after the new manifest is durable.
//
// Consistency without a snapshot: the checkpoint tree moves on at the next
// stable checkpoint while a write may still be running, so the segments to
// write are first frozen (FileTree.freezeSegments: the inodes of a stretch
// copied with their blocks shared copy-on-write, a big file's changed runs
// alone, heads exported at once). That costs the metadata of what changed,
// not its bytes. Partitions whose digest is the one on disk are not even cut
// into segments again.
//
// Writes run one at a time in the background, each chunk of at most
// FILE_CHUNK_BYTES exported between awaits (the replica keeps serving); a
// checkpoint that arrives meanwhile replaces the pending one (only the newest
// matters), and the files the running write produced serve it too.
import { mkdirSync } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileTree, FrozenSegments, PartitionSegment } from '../../fs/file-tree.js';
import type { Logger } from '../logger.js';
import type { Signed } from '../../pbft/types.js';
import { CHECKPOINT_FILE } from './checkpoint-file.js';
import { fsyncDir } from './durable-files.js';
import { writeManifest, type Manifest } from './manifest-file.js';
import { PARTITIONS_DIR, isSegmentFileName, segmentFileName, writeSegmentFile, type StoredPartition } from './segment-file.js';

/** The stable checkpoint's proof and view, kept in the manifest so the core can start from it (`--durability fsync`). */
export interface CheckpointCertificate { seq: number; proof: Signed[]; view: number }

export interface CheckpointWriterHooks {
  certify?: (seq: number) => CheckpointCertificate | undefined;
  /** Checkpoint `seq` is durable on disk with its proof (the WAL may drop what it covers). */
  onWritten?: (seq: number) => void;
}

/** What one checkpoint write did (logs, tests, bench/checkpoint-write-bench.ts). */
export interface CheckpointWriteStats {
  seq: number;
  partitions: number;
  /** Segment files written (the others were on disk already), and the partitions they belong to. */
  filesWritten: number;
  partitionsWritten: number;
  /** Segment files plus the manifest. */
  bytesWritten: number;
  manifestBytes: number;
  filesRemoved: number;
  /** Listing the partitions, cutting the changed ones into segments and freezing those to write (synchronous, on the event loop). */
  freezeMs: number;
  /** From the freeze to the removal of old files. */
  ms: number;
}

interface Job {
  manifest: Manifest;
  /** The segments without a file, as of `manifest.seq`, per partition. */
  toWrite: { frozen: FrozenSegments; segments: PartitionSegment[] }[];
  freezeMs: number;
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const partitionId = (p: { index: number; digest: Uint8Array }): string => `${p.index}:${hex(p.digest)}`;
const fileNames = (p: StoredPartition): string[] => p.segments.map((key) => segmentFileName(p.index, key));

export class CheckpointWriter {
  private writing = false;
  private pending: Job | null = null;
  private idleWaiters: (() => void)[] = [];
  /** Segment files known durable and good: written by us, or verified when loaded. */
  private readonly files = new Set<string>();
  /** The segments of partitions in the last manifest (by index and digest): an unchanged partition is not cut again. */
  private known = new Map<string, StoredPartition>();
  private readonly partitionsDir: string;
  /** Seq of the last manifest on disk written by this writer. */
  writtenSeq = 0;
  lastWrite: CheckpointWriteStats | undefined;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
    private readonly hooks: CheckpointWriterHooks = {},
    /** Partitions on disk whose files verified when DIR was loaded. */
    good: readonly StoredPartition[] = [],
  ) {
    this.partitionsDir = join(dir, PARTITIONS_DIR);
    mkdirSync(this.partitionsDir, { recursive: true });
    for (const p of good) {
      this.known.set(partitionId(p), p);
      for (const name of fileNames(p)) this.files.add(name);
    }
  }

  /** The checkpoint tree now holds checkpoint `seq`: persist it. */
  checkpointAdvanced(seq: number, tree: FileTree): void {
    const started = performance.now();
    // The core makes the checkpoint stable before the machine advances its tree (or holds the
    // state-transfer target's proof while the fetched state is installed), so the proof is at hand.
    const cert = this.hooks.certify?.(seq);
    const certified = cert?.seq === seq ? cert : undefined;
    const partitions: StoredPartition[] = [];
    const toWrite: Job['toWrite'] = [];
    for (const p of tree.partitions()) {
      const stored = this.known.get(partitionId(p));
      if (stored && fileNames(stored).every((name) => this.files.has(name))) { partitions.push(stored); continue; }
      const segments = tree.partitionSegments(p.index);
      partitions.push({ ...p, segments: segments.map((s) => s.key) });
      const missing = segments.filter((s) => !this.files.has(segmentFileName(p.index, s.key)));
      if (missing.length > 0) toWrite.push({ frozen: tree.freezeSegments(p.index, missing), segments: missing });
    }
    const manifest: Manifest = { seq, view: certified?.view ?? 0, digest: tree.digest(), partitions, proof: certified?.proof ?? [] };
    this.pending = { manifest, toWrite, freezeMs: performance.now() - started };
    if (!this.writing) void this.drain();
  }

  /** Resolves once no write is running or pending (tests, bench, shutdown). */
  idle(): Promise<void> {
    if (!this.writing && !this.pending) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending) {
        const job = this.pending;
        this.pending = null;
        try {
          await this.write(job);
        } catch (err) {
          this.logger.error({ dir: this.dir, seq: job.manifest.seq, err: (err as Error).message },
            `cannot write checkpoint ${job.manifest.seq} in ${this.dir}: ${(err as Error).message}; the previous one stays on disk`);
        }
      }
    } finally {
      this.writing = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async write(job: Job): Promise<void> {
    const started = performance.now();
    const m = job.manifest;
    let bytes = 0;
    let written = 0;
    for (const { frozen, segments } of job.toWrite) {
      for (const segment of segments) {
        const name = segmentFileName(frozen.index, segment.key);
        if (this.files.has(name)) continue;   // an earlier write produced it meanwhile
        bytes += await writeSegmentFile(this.partitionsDir, frozen, segment);
        written++;
        this.files.add(name);
      }
    }
    if (written > 0) await fsyncDir(this.partitionsDir);
    const missing = m.partitions.flatMap(fileNames).filter((name) => !this.files.has(name));
    // Only when an earlier write failed: its successor counted on files that never came.
    if (missing.length > 0) throw new Error(`${missing.length} segment files are missing (${missing[0]}); the next checkpoint writes them`);
    const manifestBytes = await writeManifest(this.dir, m);
    await fsyncDir(this.dir);
    this.writtenSeq = m.seq;
    // Only a manifest with its proof can start the core: the WAL must keep what an unproven one covers.
    if (m.proof.length > 0) this.hooks.onWritten?.(m.seq);
    this.known = new Map(m.partitions.map((p) => [partitionId(p), p]));
    const filesRemoved = await this.removeUnused(m);
    this.lastWrite = {
      seq: m.seq, partitions: m.partitions.length, filesWritten: written, partitionsWritten: job.toWrite.length, bytesWritten: bytes + manifestBytes, manifestBytes,
      filesRemoved, freezeMs: job.freezeMs, ms: performance.now() - started,
    };
    this.logger.debug(this.lastWrite, 'checkpoint written');
  }

  /**
   * The new manifest is durable: remove segment files neither it nor the
   * pending checkpoint names, leftover tmp files, and a whole-tree
   * checkpoint.bfs of an earlier version. Returns how many went.
   */
  private async removeUnused(m: Manifest): Promise<number> {
    const keep = new Set(m.partitions.flatMap(fileNames));
    // A checkpoint may arrive between two unlinks: what it names stays too.
    let pendingSeen: Job | null | undefined;
    let pendingKeep = new Set<string>();
    let removed = 0;
    for (const name of await readdir(this.partitionsDir)) {
      if (this.pending !== pendingSeen) {
        pendingSeen = this.pending;
        pendingKeep = new Set(pendingSeen?.manifest.partitions.flatMap(fileNames) ?? []);
      }
      // Not ours (neither a segment file nor its tmp): left alone.
      if (keep.has(name) || pendingKeep.has(name) || !isSegmentFileName(name)) continue;
      // Forgotten before the unlink awaits: a checkpoint arriving meanwhile writes it again if it needs it.
      this.files.delete(name);
      await unlinkQuietly(join(this.partitionsDir, name));
      removed++;
    }
    if (await unlinkQuietly(join(this.dir, CHECKPOINT_FILE))) removed++;
    return removed;
  }
}

/** True when it was there. */
async function unlinkQuietly(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
