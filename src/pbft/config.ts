// Replica configuration defaults.
import type { ReplicaConfig, ReplicaId } from './types.js';
import { quorumsFor } from './quorums.js';

/** Defaults: K = 128 (window 256), batches of up to 64 requests / 256 KiB, 10 ms ticks. */
export function defaultReplicaConfig(id: ReplicaId, n: number): ReplicaConfig {
  quorumsFor(n);
  return {
    id,
    n,
    checkpointInterval: 128,
    batchRequestsMax: 64,
    batchBytesMax: 256 * 1024,
    inFlightBatchesMax: 2,
    viewChangeTimeoutTicks: 200,
    tickMs: 10,
    // BFS needs time roughly right and never backwards; a loaded machine must not cause view changes.
    timeSkewMsMax: 30_000,
    tentativeExecution: false,
  };
}
