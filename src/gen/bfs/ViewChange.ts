// Original file: proto/bfs.proto

import type { Signed as _bfs_Signed, Signed__Output as _bfs_Signed__Output } from '../bfs/Signed.js';
import type { PrePrepare as _bfs_PrePrepare, PrePrepare__Output as _bfs_PrePrepare__Output } from '../bfs/PrePrepare.js';
import type { PrePreparedClaim as _bfs_PrePreparedClaim, PrePreparedClaim__Output as _bfs_PrePreparedClaim__Output } from '../bfs/PrePreparedClaim.js';
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
  'replica'?: (number);
  /**
   * P: per sequence above stable_seq, the batch that prepared here in the
   * highest view (its pre-prepare as accepted; view = the view it prepared in).
   */
  'prepared'?: (_bfs_PrePrepare)[];
  /**
   * Q: per sequence above stable_seq, the digests pre-prepared here, each with
   * the highest view in which it was.
   */
  'prePrepared'?: (_bfs_PrePreparedClaim)[];
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
  'replica': (number);
  /**
   * P: per sequence above stable_seq, the batch that prepared here in the
   * highest view (its pre-prepare as accepted; view = the view it prepared in).
   */
  'prepared': (_bfs_PrePrepare__Output)[];
  /**
   * Q: per sequence above stable_seq, the digests pre-prepared here, each with
   * the highest view in which it was.
   */
  'prePrepared': (_bfs_PrePreparedClaim__Output)[];
}
