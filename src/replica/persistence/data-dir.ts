// `bfs replica --data DIR`: keep the checkpoint tree on disk at each stable
// checkpoint from now on (checkpoint-writer.ts). What an earlier run left is
// loaded once, by checkpoint-load.ts, and goes either to the core
// (`--durability fsync`, restore-point.ts) or to the state fetcher as a local
// source of verified partitions.
import type { Logger } from '../logger.js';
import type { CheckpointingMachine } from '../state-transfer-machine.js';
import type { LoadedCheckpoint } from './checkpoint-load.js';
import { CheckpointWriter, type CheckpointWriterHooks } from './checkpoint-writer.js';

/** Writes each checkpoint the machine's checkpoint tree reaches; `loaded` says which partition files are good already. */
export function keepCheckpoints(dir: string, machine: CheckpointingMachine, logger: Logger,
  hooks: CheckpointWriterHooks = {}, loaded?: LoadedCheckpoint | null): CheckpointWriter {
  const writer = new CheckpointWriter(dir, logger, hooks, loaded?.good ?? []);
  machine.onCheckpointAdvanced = (seq, tree) => writer.checkpointAdvanced(seq, tree);
  return writer;
}
