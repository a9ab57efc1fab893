// `bfs replica --data DIR`: load the checkpoint file left by an earlier run
// (refusing a corrupt one, saying so) and keep it up to date from now on.
import { FileTree, type FileTreeOptions } from '../../fs/file-tree.js';
import type { Logger } from '../logger.js';
import type { CheckpointingMachine } from '../state-transfer-machine.js';
import { readCheckpointFile } from './checkpoint-file.js';
import { CheckpointWriter, type CheckpointWriterHooks } from './checkpoint-writer.js';

/**
 * The tree in DIR's checkpoint file, if usable. It is never executed on: the
 * state fetcher copies from it the partitions whose digest a certified
 * listing names, and fetches the rest from the other replicas.
 */
export function openDataDir(dir: string, machine: CheckpointingMachine, treeOptions: FileTreeOptions, logger: Logger, hooks: CheckpointWriterHooks = {}): FileTree | undefined {
  const found = readCheckpointFile(dir);
  let local: FileTree | undefined;
  if (typeof found === 'string') {
    logger.warn({ problem: found }, `refusing the checkpoint file: ${found}; recovering the state from the other replicas`);
  } else if (found) {
    try {
      local = FileTree.restore(found.snapshot, treeOptions);
      logger.info({ seq: found.seq, dir }, `loaded checkpoint ${found.seq} from ${dir}; catching up from the other replicas`);
    } catch (err) {
      logger.warn({ dir, err: (err as Error).message }, `refusing the checkpoint file in ${dir}: ${(err as Error).message}; recovering from the other replicas`);
    }
  }
  const writer = new CheckpointWriter(dir, logger, hooks);
  machine.onCheckpointAdvanced = (seq, tree) => writer.checkpointAdvanced(seq, tree);
  return local;
}
