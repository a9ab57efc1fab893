// Original file: proto/bfs.proto

import type { AuthRequest as _bfs_AuthRequest, AuthRequest__Output as _bfs_AuthRequest__Output } from '../bfs/AuthRequest.js';
import type { Long } from '@grpc/proto-loader';

export interface PrePrepare {
  'view'?: (number | string | Long);
  'seq'?: (number | string | Long);
  /**
   * batch digest: over time_ms and the request digests
   */
  'digest'?: (Buffer | Uint8Array | string);
  /**
   * the agreed time (non-determinism, §4.6)
   */
  'timeMs'?: (number | string | Long);
  /**
   * empty: the null request
   */
  'requests'?: (_bfs_AuthRequest)[];
}

export interface PrePrepare__Output {
  'view': (number);
  'seq': (number);
  /**
   * batch digest: over time_ms and the request digests
   */
  'digest': (Buffer);
  /**
   * the agreed time (non-determinism, §4.6)
   */
  'timeMs': (number);
  /**
   * empty: the null request
   */
  'requests': (_bfs_AuthRequest__Output)[];
}
