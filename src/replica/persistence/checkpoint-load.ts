// On start: the checkpoint DIR holds, as far as it verifies. The manifest's
// partition listing must imply its state digest (FileTree.digestFromPartitions),
// and each partition's segment files must hold exactly the partition its
// digest names (loadPartitionFiles installs nothing else). A file that is
// missing or does not verify is reported by name and its partition left out:
// the tree then holds only the good partitions, and state transfer fetches the rest from the other
// replicas (the fetcher takes from this tree what the group's certified
// listing still names, and fetches only the partitions that differ).
//
// A whole-tree checkpoint.bfs of an earlier version (no manifest yet) is read
// once the old way; the writer replaces it with a manifest and segment files.
import { join } from 'node:path';
import { FileTree, type FileTreeOptions } from '../../fs/file-tree.js';
import type { Logger } from '../logger.js';
import { readCheckpointFile } from './checkpoint-file.js';
import { MANIFEST_FILE, readManifest, type Manifest } from './manifest-file.js';
import { PARTITIONS_DIR, loadPartitionFiles, type StoredPartition } from './segment-file.js';

export interface LoadedCheckpoint {
  manifest: Manifest;
  /** The partitions that verified (all of them when `complete`). */
  tree: FileTree;
  /** Every partition verified: `tree` is the checkpoint's state. */
  complete: boolean;
  /** Partitions whose files verified: the writer need not write them again. */
  good: StoredPartition[];
  /** One message per partition refused, naming the file. */
  damaged: string[];
  /** Bytes read. */
  bytes: number;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').slice(0, 16);

/** The checkpoint in DIR, or null when there is none or its manifest is unusable (logged). */
export function loadCheckpoint(dir: string, treeOptions: FileTreeOptions, logger: Logger): LoadedCheckpoint | null {
  const found = readManifest(dir);
  if (found === null) return loadLegacy(dir, treeOptions, logger);
  if (typeof found === 'string') {
    logger.warn({ problem: found }, `refusing the checkpoint manifest: ${found}; recovering the state from the other replicas`);
    return null;
  }
  const path = join(dir, MANIFEST_FILE);
  const implied = FileTree.digestFromPartitions(found.partitions, treeOptions);
  if (!sameBytes(implied, found.digest)) {
    const problem = `${path}: its partition list implies state ${hex(implied)}, it names ${hex(found.digest)}`;
    logger.warn({ problem }, `refusing the checkpoint manifest: ${problem}; recovering the state from the other replicas`);
    return null;
  }
  const tree = new FileTree(treeOptions, true);
  const good: StoredPartition[] = [];
  const damaged: string[] = [];
  let bytes = 0;
  for (const p of found.partitions) {
    try {
      bytes += loadPartitionFiles(join(dir, PARTITIONS_DIR), p, tree);
      good.push(p);
    } catch (err) {
      const problem = (err as Error).message;
      damaged.push(problem);
      logger.warn({ seq: found.seq, problem }, `refusing a partition file of checkpoint ${found.seq}: ${problem}; partition ${p.index} will come from the other replicas`);
    }
  }
  const complete = damaged.length === 0 && sameBytes(tree.digest(), found.digest);
  logger.info({ dir, seq: found.seq, partitions: good.length, damaged: damaged.length, bytes },
    `loaded checkpoint ${found.seq} from ${dir}: ${good.length} of ${found.partitions.length} partitions verified`);
  return { manifest: found, tree, complete, good, damaged, bytes };
}

/** checkpoint.bfs of an earlier version: one snapshot of the whole tree. */
function loadLegacy(dir: string, treeOptions: FileTreeOptions, logger: Logger): LoadedCheckpoint | null {
  const found = readCheckpointFile(dir);
  if (found === null) return null;
  if (typeof found === 'string') {
    logger.warn({ problem: found }, `refusing the checkpoint file: ${found}; recovering the state from the other replicas`);
    return null;
  }
  let tree: FileTree;
  try {
    tree = FileTree.restore(found.snapshot, treeOptions);
  } catch (err) {
    logger.warn({ dir, err: (err as Error).message }, `refusing the checkpoint file in ${dir}: ${(err as Error).message}; recovering from the other replicas`);
    return null;
  }
  const complete = sameBytes(tree.digest(), found.digest);
  if (!complete) logger.warn({ dir }, `the checkpoint file in ${dir} does not match the digest in its header; using it only where the other replicas' listing agrees`);
  const partitions = tree.partitions().map((p) => ({ ...p, segments: tree.partitionSegments(p.index).map((seg) => seg.key) }));
  const manifest: Manifest = { seq: found.seq, view: found.view ?? 0, digest: found.digest, partitions, proof: found.proof ?? [] };
  logger.info({ seq: found.seq, dir }, `loaded checkpoint ${found.seq} from ${dir} (checkpoint.bfs of an earlier version)`);
  return { manifest, tree, complete, good: [], damaged: [], bytes: found.snapshot.length };
}

/** A second tree with `source`'s state, file blocks shared (copied by whichever tree writes one first). */
export function shareTree(source: FileTree, treeOptions: FileTreeOptions): FileTree {
  const copy = new FileTree(treeOptions, true);
  for (const p of source.partitions()) copy.sharePartitionFrom(source, p.index);
  return copy;
}
