// The replica's state machine for state transfer: the live file tree plus a
// "checkpoint tree" that holds the state AS OF the last stable checkpoint, the
// state lagging replicas fetch (never the live one, which has moved on).
//
// Why a second tree advanced by re-execution: the fs has no copy-on-write, and
// a snapshot per checkpoint costs O(tree) every K batches (a 1 GiB tree, every
// 128 batches). Re-applying the committed ops up to the stable checkpoint
// costs what executing them cost (2x execution, nothing O(tree)) and keeps the
// memory of the ops between two stable checkpoints (at most the log window).
// Measured (bench/state-transfer-bench.ts): see test/recovery and the report.
import type { ClientId, StateMachine } from '../pbft/types.js';
import type { FileTree } from '../fs/file-tree.js';

interface ExecutedOp { op: Uint8Array; client: ClientId; timeMs: number; timestamp?: number }
interface Mark { seq: number; index: number }

export class CheckpointingMachine implements StateMachine {
  /** Committed (or tentative) ops executed on the live tree since the checkpoint tree's seq. */
  private pending: ExecutedOp[] = [];
  private marks: Mark[] = [];
  private tentativeFrom: number | null = null;
  /** Seq of the state the checkpoint tree holds. */
  checkpointSeq = 0;
  /** Told each time the checkpoint tree moves to a new checkpoint (persistence). */
  onCheckpointAdvanced: ((seq: number, tree: FileTree) => void) | undefined;

  constructor(
    readonly live: FileTree,
    private readonly liveMachine: StateMachine,
    readonly checkpointTree: FileTree,
    private readonly checkpointMachine: StateMachine,
  ) {}

  execute(op: Uint8Array, client: ClientId, timeMs: number): Uint8Array {
    this.pending.push({ op, client, timeMs });
    return this.liveMachine.execute(op, client, timeMs);
  }

  // The core records the reply right after execute: remember its timestamp so
  // the checkpoint tree's replay records it too (the table is replicated state).
  recordReply(client: ClientId, timestamp: number, result: Uint8Array): void {
    const last = this.pending.at(-1);
    if (last && last.client === client) last.timestamp = timestamp;
    this.liveMachine.recordReply?.(client, timestamp, result);
  }

  lastReplies(): Iterable<{ client: ClientId; timestamp: number; result: Uint8Array }> {
    return this.liveMachine.lastReplies?.() ?? [];
  }

  query(op: Uint8Array, client: ClientId): Uint8Array { return this.liveMachine.query(op, client); }
  digest(): Uint8Array { return this.liveMachine.digest(); }

  beginTentative(): void {
    this.tentativeFrom = this.pending.length;
    this.liveMachine.beginTentative();
  }

  commitTentative(): void {
    this.tentativeFrom = null;
    this.liveMachine.commitTentative();
  }

  rollbackTentative(): void {
    if (this.tentativeFrom !== null) this.pending.length = this.tentativeFrom;
    this.tentativeFrom = null;
    this.liveMachine.rollbackTentative();
  }

  checkpointTaken(seq: number): void {
    this.marks.push({ seq, index: this.pending.length });
  }

  /** Bring the checkpoint tree to `seq` by re-executing the ops up to it. */
  checkpointStable(seq: number): void {
    const at = this.marks.findIndex((m) => m.seq === seq);
    if (at < 0) return;
    const upTo = this.marks[at].index;
    for (let i = 0; i < upTo; i++) {
      const e = this.pending[i];
      const result = this.checkpointMachine.execute(e.op, e.client, e.timeMs);
      if (e.timestamp !== undefined) this.checkpointMachine.recordReply?.(e.client, e.timestamp, result);
    }
    this.pending = this.pending.slice(upTo);
    this.marks = this.marks.slice(at + 1).map((m) => ({ seq: m.seq, index: m.index - upTo }));
    if (this.tentativeFrom !== null) this.tentativeFrom -= upTo;
    this.checkpointSeq = seq;
    this.onCheckpointAdvanced?.(seq, this.checkpointTree);
  }

  /**
   * The live tree now holds the transferred state of checkpoint `seq`: forget
   * what we executed and copy the changed partitions into the checkpoint tree.
   */
  installed(seq: number): void {
    this.pending = [];
    this.marks = [];
    this.tentativeFrom = null;
    // Shared, not copied: the file blocks stay one copy until either tree
    // writes one (a 1 GiB state costs no second GiB and no copy time).
    for (const i of this.checkpointTree.diffPartitions(this.live.partitions())) {
      this.checkpointTree.sharePartitionFrom(this.live, i);
    }
    this.checkpointSeq = seq;
    this.onCheckpointAdvanced?.(seq, this.checkpointTree);
  }
}
