// Keeps DIR/checkpoint.bfs at the last stable checkpoint. Each stable
// checkpoint asks for a write; writes run one at a time in the background and
// a request that arrives meanwhile replaces the pending one (only the newest
// checkpoint matters). The snapshot itself is taken synchronously, so it is
// exactly the checkpoint tree at that seq.
import { mkdirSync } from 'node:fs';
import type { FileTree } from '../../fs/file-tree.js';
import type { Logger } from '../logger.js';
import type { Signed } from '../../pbft/types.js';
import { writeCheckpointFile, type CheckpointFile } from './checkpoint-file.js';

/** The stable checkpoint's proof and view, stored in the file so the core can start from it (`--durability fsync`). */
export interface CheckpointCertificate { seq: number; proof: Signed[]; view: number }

export interface CheckpointWriterHooks {
  certify?: (seq: number) => CheckpointCertificate | undefined;
  /** Checkpoint `seq` is durable on disk with its proof (the WAL may drop what it covers). */
  onWritten?: (seq: number) => void;
}

export class CheckpointWriter {
  private writing = false;
  private pending: CheckpointFile | null = null;
  /** Seq of the last checkpoint on disk. */
  writtenSeq = 0;

  constructor(private readonly dir: string, private readonly logger: Logger, private readonly hooks: CheckpointWriterHooks = {}) {
    mkdirSync(dir, { recursive: true });
  }

  /** The checkpoint tree now holds checkpoint `seq`: persist it. */
  checkpointAdvanced(seq: number, tree: FileTree): void {
    // The core makes the checkpoint stable before the machine advances its tree (or holds the
    // state-transfer target's proof while the fetched state is installed), so the proof is at hand.
    const cert = this.hooks.certify?.(seq);
    const certified = cert?.seq === seq ? { proof: cert.proof, view: cert.view } : {};
    this.pending = { seq, digest: tree.digest(), snapshot: tree.snapshot(), ...certified };
    if (!this.writing) void this.drain();
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending) {
        const cp = this.pending;
        this.pending = null;
        try {
          await writeCheckpointFile(this.dir, cp);
          this.writtenSeq = cp.seq;
          // Only a file with its proof can start the core: the WAL must keep what an unproven one covers.
          if (cp.proof && cp.proof.length > 0) this.hooks.onWritten?.(cp.seq);
          this.logger.debug({ seq: cp.seq, bytes: cp.snapshot.length }, 'checkpoint written');
        } catch (err) {
          this.logger.error({ dir: this.dir, err: (err as Error).message }, `cannot write the checkpoint file in ${this.dir}`);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
