// Replica configuration defaults.
import type { ReplicaConfig, ReplicaId } from './types.js';
import { quorumsFor } from './quorums.js';

/**
 * Encoded size from which a read-write request is big: its client sends it to
 * every replica and pre-prepares carry only its digest. Small requests (most
 * metadata ops, small writes) stay inline, where one signature covers a whole
 * batch of them; a 128 KiB FUSE write does not, so the primary neither signs
 * nor re-sends its bytes, and VIEW-CHANGE/NEW-VIEW carry digests, not data.
 */
export const BIG_REQUEST_BYTES_MIN = 16 * 1024;

/** Defaults: K = 128 (window 256), batches of up to 64 requests / 256 KiB, 10 ms ticks. */
export function defaultReplicaConfig(id: ReplicaId, n: number): ReplicaConfig {
  quorumsFor(n);
  return {
    id,
    n,
    checkpointInterval: 128,
    batchRequestsMax: 64,
    batchBytesMax: 256 * 1024,
    bigRequestBytesMin: BIG_REQUEST_BYTES_MIN,
    inFlightBatchesMax: 2,
    viewChangeTimeoutTicks: 200,
    tickMs: 10,
    // BFS needs time roughly right and never backwards; a loaded machine must not cause view changes.
    timeSkewMsMax: 30_000,
    tentativeExecution: false,
  };
}
