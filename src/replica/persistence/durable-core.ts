// `--durability fsync` (issue #6): every committed batch is in DIR/wal.bfs,
// fsynced, before the step that executed it returns its outputs, so no reply
// leaves this replica for a batch the disk could lose. A client accepts a
// result on f+1 matching replies, so at least one correct replica has every
// acknowledged batch on disk; after the whole group is killed, each replica
// loads its checkpoint (manifest and partition files), replays its WAL
// (Replica.restore), and the ones that logged more keep the certificates
// (PRE-PREPARE, PREPAREs, COMMITs) in their log to bring the others along
// (helpLagging, view change). The WAL only holds batches above the checkpoint
// on disk, whose manifest carries the stable checkpoint's proof and view: it
// is cut each time a newer manifest is durable.
//
// Why wrap the core rather than hook the runtime: the wrapper sees the outputs
// before anyone sends them and needs nothing from the core but its public log.
import type { Input, Output } from '../../pbft/types.js';
import type { Replica } from '../../pbft/replica.js';
import type { ReplicaCore, ReplicaStatus } from '../core.js';
import type { CheckpointCertificate } from './checkpoint-writer.js';
import { encodeSignedList } from './signed-list.js';
import type { WalFile } from './wal-file.js';

/** A WAL record's payload: view u64 | the batch's signed messages. */
export function encodeWalBatch(view: number, batch: Parameters<typeof encodeSignedList>[0]): Uint8Array {
  const list = encodeSignedList(batch);
  const out = new Uint8Array(8 + list.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(view));
  out.set(list, 8);
  return out;
}

/** For the manifest: checkpoint `seq`'s proof (stable, or being installed by state transfer) and the view. */
export function certifyCheckpoint(replica: Replica, seq: number): CheckpointCertificate | undefined {
  const s = replica.checkpoints.stable;
  if (s.seq === seq) return { seq, proof: s.proof, view: replica.view };
  const t = replica.transfer.target;
  return t?.seq === seq ? { seq, proof: t.proof, view: replica.view } : undefined;
}

export class DurableCore implements ReplicaCore {
  /** Highest seq whose batch was logged (or found already executed without a log entry: state transfer). */
  private loggedUpTo: number;
  private restoreOutputs: Output[];

  constructor(readonly inner: Replica, private readonly wal: WalFile, restoreOutputs: Output[]) {
    this.loggedUpTo = inner.status().lastExecuted;
    // Replies and CHECKPOINT votes the replay produced go out with the first step.
    this.restoreOutputs = restoreOutputs;
  }

  step(input: Input): Output[] {
    const outs = this.inner.step(input);
    this.logCommitted();
    if (this.restoreOutputs.length === 0) return outs;
    const all = [...this.restoreOutputs, ...outs];
    this.restoreOutputs = [];
    return all;
  }

  status(): ReplicaStatus {
    return this.inner.status();
  }

  certify(seq: number): CheckpointCertificate | undefined {
    return certifyCheckpoint(this.inner, seq);
  }

  /** The manifest on disk holds `seq` durably: the WAL drops what it covers. */
  checkpointWritten(seq: number): void {
    this.wal.truncateThrough(seq);
  }

  /** Append (and fsync) every batch executed as committed since the last step. */
  private logCommitted(): void {
    const s = this.inner.status();
    // Tentative execution is not covered: its replies precede the commit.
    const upTo = Math.min(s.lastExecuted, this.inner.lastCommitted);
    for (let seq = this.loggedUpTo + 1; seq <= upTo; seq++) {
      const e = this.inner.log.get(seq);
      // No entry: the batch came in a state transfer; the next checkpoint on disk will cover it.
      if (!e?.committed || !e.prePrepareSigned) continue;
      const batch = [...[...e.prepares.values()].map((v) => v.signed), ...[...e.commits.values()].map((v) => v.signed), e.prePrepareSigned];
      this.wal.append(seq, encodeWalBatch(e.view, batch));
    }
    this.loggedUpTo = Math.max(this.loggedUpTo, upTo);
  }
}
