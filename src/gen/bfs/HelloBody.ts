// Original file: proto/bfs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The first envelope on a stream, from the side that opened it: who it is and
 * whom it meant to reach, signed with its Ed25519 identity key. The receiver
 * rejects unknown ids, a wrong target and stale times, then routes replies
 * for that client to this stream.
 */
export interface HelloBody {
  /**
   * the sender's replica or client id
   */
  'node'?: (number);
  /**
   * the replica it meant to reach
   */
  'target'?: (number);
  /**
   * sender's wall clock; must be within the allowed skew
   */
  'timeMs'?: (number | string | Long);
  /**
   * random, so two hellos in one millisecond differ
   */
  'nonce'?: (Buffer | Uint8Array | string);
}

/**
 * The first envelope on a stream, from the side that opened it: who it is and
 * whom it meant to reach, signed with its Ed25519 identity key. The receiver
 * rejects unknown ids, a wrong target and stale times, then routes replies
 * for that client to this stream.
 */
export interface HelloBody__Output {
  /**
   * the sender's replica or client id
   */
  'node': (number);
  /**
   * the replica it meant to reach
   */
  'target': (number);
  /**
   * sender's wall clock; must be within the allowed skew
   */
  'timeMs': (number);
  /**
   * random, so two hellos in one millisecond differ
   */
  'nonce': (Buffer);
}
