// Original file: proto/bfs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * "I have committed batches I cannot execute: I executed up to last_executed."
 * Sent on retransmission ticks by a replica with a gap in its log (it restarted
 * or lost messages and no stable checkpoint above it exists yet); replicas in
 * the same view re-send what they still hold after last_executed (PBFT's STATUS).
 */
export interface Lagging {
  'view'?: (number | string | Long);
  'lastExecuted'?: (number | string | Long);
  'replica'?: (number);
}

/**
 * "I have committed batches I cannot execute: I executed up to last_executed."
 * Sent on retransmission ticks by a replica with a gap in its log (it restarted
 * or lost messages and no stable checkpoint above it exists yet); replicas in
 * the same view re-send what they still hold after last_executed (PBFT's STATUS).
 */
export interface Lagging__Output {
  'view': (number);
  'lastExecuted': (number);
  'replica': (number);
}
