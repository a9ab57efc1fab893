// Keeps DIR/checkpoint.bfs at the last stable checkpoint. Each stable
// checkpoint asks for a write; writes run one at a time in the background and
// a request that arrives meanwhile replaces the pending one (only the newest
// checkpoint matters). The snapshot itself is taken synchronously, so it is
// exactly the checkpoint tree at that seq.
import { mkdirSync } from 'node:fs';
import type { FileTree } from '../../fs/file-tree.js';
import type { Logger } from '../logger.js';
import { writeCheckpointFile, type CheckpointFile } from './checkpoint-file.js';

export class CheckpointWriter {
  private writing = false;
  private pending: CheckpointFile | null = null;
  /** Seq of the last checkpoint on disk. */
  writtenSeq = 0;

  constructor(private readonly dir: string, private readonly logger: Logger) {
    mkdirSync(dir, { recursive: true });
  }

  /** The checkpoint tree now holds checkpoint `seq`: persist it. */
  checkpointAdvanced(seq: number, tree: FileTree): void {
    this.pending = { seq, digest: tree.digest(), snapshot: tree.snapshot() };
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
