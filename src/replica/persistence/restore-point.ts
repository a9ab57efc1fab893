// `--durability fsync`, on start: what DIR holds (the loaded checkpoint +
// WAL) as the tree to start from and the core's RestorePoint. The checkpoint
// starts the core only when every partition verified and its 2f+1 signed
// CHECKPOINTs certify its digest; otherwise (reported) the core starts at seq
// 0 and recovers by state transfer, taking the partitions that did verify from
// disk and only the others over the network (the WAL's batches above a
// checkpoint we do not hold cannot be replayed). A damaged WAL tail is cut at
// the last good record.
import type { FileTree } from '../../fs/file-tree.js';
import type { RestorePoint } from '../../pbft/replica.js';
import type { Signed } from '../../pbft/types.js';
import type { Logger } from '../logger.js';
import type { LoadedCheckpoint } from './checkpoint-load.js';
import { decodeSignedList } from './signed-list.js';
import { WalFile } from './wal-file.js';

/** Why `proof` does not certify checkpoint (seq, digest), or null when it does. */
export type ProofCheck = (seq: number, digest: Uint8Array, proof: Signed[]) => string | null;

export interface LoadedDataDir {
  /** The checkpoint's state, when the core starts from one (seq > 0). */
  tree?: FileTree;
  /** The checkpoint's digest (absent at seq 0: the caller takes the initial tree's). */
  digest?: Uint8Array;
  point: Omit<RestorePoint, 'digest'>;
  wal: WalFile;
}

interface StartPoint { seq: number; view: number; proof: Signed[]; tree?: FileTree; digest?: Uint8Array }

/** The checkpoint the core may start from, or seq 0 saying why not. */
function startPoint(dir: string, loaded: LoadedCheckpoint | null, checkProof: ProofCheck, logger: Logger): StartPoint {
  const none = { seq: 0, view: 0, proof: [] };
  if (!loaded) return none;
  const m = loaded.manifest;
  if (!loaded.complete) {
    logger.warn({ dir, seq: m.seq, damaged: loaded.damaged },
      `checkpoint ${m.seq} in ${dir} is incomplete (${loaded.damaged.length} partition files refused); starting from seq 0 and fetching what is missing from the other replicas`);
    return none;
  }
  if (m.proof.length === 0) {
    logger.warn({ dir, seq: m.seq }, `the checkpoint in ${dir} has no proof (written without --durability fsync); starting from seq 0`);
    return none;
  }
  const bad = checkProof(m.seq, m.digest, m.proof);
  if (bad) {
    logger.warn({ dir, seq: m.seq, problem: bad }, `the proof of checkpoint ${m.seq} in ${dir} does not certify its digest (${bad}); starting from seq 0`);
    return none;
  }
  return { seq: m.seq, view: m.view, proof: m.proof, tree: loaded.tree, digest: m.digest };
}

export function loadDataDir(dir: string, loaded: LoadedCheckpoint | null, checkProof: ProofCheck, logger: Logger): LoadedDataDir {
  const cp = startPoint(dir, loaded, checkProof, logger);
  const wal = WalFile.open(dir);
  if (wal.opened.problem) logger.warn({ dir, problem: wal.opened.problem }, `write-ahead log in ${dir}: ${wal.opened.problem}; cut after the last good record`);
  const batches: Signed[][] = [];
  let view = cp.view;
  for (const r of wal.opened.records) {
    if (r.seq <= cp.seq) continue;
    const list = r.payload.length >= 8 ? decodeSignedList(r.payload.subarray(8)) : null;
    if (!list) {
      logger.warn({ dir, seq: r.seq }, `write-ahead log in ${dir}: record ${r.seq} is malformed; replaying the records before it`);
      break;
    }
    view = Math.max(view, Number(new DataView(r.payload.buffer, r.payload.byteOffset, 8).getBigUint64(0)));
    batches.push(list);
  }
  logger.info({ dir, seq: cp.seq, batches: batches.length, view }, `restoring checkpoint ${cp.seq} and ${batches.length} logged batches from ${dir}`);
  return { tree: cp.tree, digest: cp.digest, point: { seq: cp.seq, proof: cp.proof, view, batches }, wal };
}
