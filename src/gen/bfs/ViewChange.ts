// Original file: proto/bfs.proto

import type { Signed as _bfs_Signed, Signed__Output as _bfs_Signed__Output } from '../bfs/Signed.js';
import type { PreparedCert as _bfs_PreparedCert, PreparedCert__Output as _bfs_PreparedCert__Output } from '../bfs/PreparedCert.js';
import type { Long } from '@grpc/proto-loader';

export interface ViewChange {
  /**
   * the view being moved to
   */
  'view'?: (number | string | Long);
  /**
   * n: last stable checkpoint
   */
  'stableSeq'?: (number | string | Long);
  'stableDigest'?: (Buffer | Uint8Array | string);
  /**
   * C: 2f+1 CHECKPOINTs for stable_seq
   */
  'checkpointProof'?: (_bfs_Signed)[];
  /**
   * P: one per sequence prepared above stable_seq
   */
  'prepared'?: (_bfs_PreparedCert)[];
  'replica'?: (number);
}

export interface ViewChange__Output {
  /**
   * the view being moved to
   */
  'view': (number);
  /**
   * n: last stable checkpoint
   */
  'stableSeq': (number);
  'stableDigest': (Buffer);
  /**
   * C: 2f+1 CHECKPOINTs for stable_seq
   */
  'checkpointProof': (_bfs_Signed__Output)[];
  /**
   * P: one per sequence prepared above stable_seq
   */
  'prepared': (_bfs_PreparedCert__Output)[];
  'replica': (number);
}
