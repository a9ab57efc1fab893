// `--durability fsync`, on start: what DIR holds (checkpoint file + WAL) as a
// tree to start from and the core's RestorePoint. Anything damaged is
// reported and left out: a refused checkpoint file means starting at seq 0
// (the WAL's batches above a checkpoint we do not hold cannot be replayed,
// so the replica recovers from the others by state transfer); a damaged WAL
// tail is cut at the last good record.
import { FileTree, type FileTreeOptions } from '../../fs/file-tree.js';
import type { RestorePoint } from '../../pbft/replica.js';
import type { Signed } from '../../pbft/types.js';
import type { Logger } from '../logger.js';
import { readCheckpointFile } from './checkpoint-file.js';
import { decodeSignedList } from './signed-list.js';
import { WalFile } from './wal-file.js';

export interface LoadedDataDir {
  /** The checkpoint's snapshot, when the core starts from one (seq > 0). */
  snapshot?: Uint8Array;
  /** The checkpoint file's digest (absent at seq 0: the caller takes the initial tree's). */
  digest?: Uint8Array;
  point: Omit<RestorePoint, 'digest'>;
  wal: WalFile;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function loadCheckpoint(dir: string, treeOptions: FileTreeOptions, logger: Logger): { seq: number; view: number; proof: Signed[]; snapshot?: Uint8Array; digest?: Uint8Array } {
  const none = { seq: 0, view: 0, proof: [] };
  const found = readCheckpointFile(dir);
  if (found === null) return none;
  if (typeof found === 'string') {
    logger.warn({ problem: found }, `refusing the checkpoint file: ${found}; starting from seq 0 and recovering from the other replicas`);
    return none;
  }
  if (!found.proof || found.proof.length === 0) {
    logger.warn({ dir, seq: found.seq }, `the checkpoint file in ${dir} has no proof (written without --durability fsync); starting from seq 0`);
    return none;
  }
  try {
    if (!bytesEqual(FileTree.restore(found.snapshot, treeOptions).digest(), found.digest)) throw new Error('the restored tree does not match the digest in the header');
  } catch (err) {
    logger.warn({ dir, err: (err as Error).message }, `refusing the checkpoint file in ${dir}: ${(err as Error).message}; starting from seq 0`);
    return none;
  }
  return { seq: found.seq, view: found.view ?? 0, proof: found.proof, snapshot: found.snapshot, digest: found.digest };
}

export function loadDataDir(dir: string, treeOptions: FileTreeOptions, logger: Logger): LoadedDataDir {
  const cp = loadCheckpoint(dir, treeOptions, logger);
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
  return { snapshot: cp.snapshot, digest: cp.digest, point: { seq: cp.seq, proof: cp.proof, view, batches }, wal };
}
