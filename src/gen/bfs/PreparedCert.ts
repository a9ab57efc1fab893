// Original file: proto/bfs.proto

import type { Signed as _bfs_Signed, Signed__Output as _bfs_Signed__Output } from '../bfs/Signed.js';

export interface PreparedCert {
  'prePrepare'?: (_bfs_Signed | null);
  'prepares'?: (_bfs_Signed)[];
}

export interface PreparedCert__Output {
  'prePrepare': (_bfs_Signed__Output | null);
  'prepares': (_bfs_Signed__Output)[];
}
