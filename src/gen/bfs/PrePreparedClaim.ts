// Original file: proto/bfs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * "I pre-prepared the batch with this digest at seq in view" (the Q set of the
 * view change without signatures, Castro & Liskov TOCS 2002 §3.2.4).
 */
export interface PrePreparedClaim {
  'seq'?: (number | string | Long);
  'digest'?: (Buffer | Uint8Array | string);
  'view'?: (number | string | Long);
}

/**
 * "I pre-prepared the batch with this digest at seq in view" (the Q set of the
 * view change without signatures, Castro & Liskov TOCS 2002 §3.2.4).
 */
export interface PrePreparedClaim__Output {
  'seq': (number);
  'digest': (Buffer);
  'view': (number);
}
