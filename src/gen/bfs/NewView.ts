// Original file: proto/bfs.proto

import type { Signed as _bfs_Signed, Signed__Output as _bfs_Signed__Output } from '../bfs/Signed.js';
import type { Long } from '@grpc/proto-loader';

export interface NewView {
  'view'?: (number | string | Long);
  /**
   * V: 2f+1 or more VIEW-CHANGEs, the set O is decided from
   */
  'viewChanges'?: (_bfs_Signed)[];
  /**
   * O: PRE-PREPAREs for view, from the new primary
   */
  'prePrepares'?: (_bfs_Signed)[];
}

export interface NewView__Output {
  'view': (number);
  /**
   * V: 2f+1 or more VIEW-CHANGEs, the set O is decided from
   */
  'viewChanges': (_bfs_Signed__Output)[];
  /**
   * O: PRE-PREPAREs for view, from the new primary
   */
  'prePrepares': (_bfs_Signed__Output)[];
}
