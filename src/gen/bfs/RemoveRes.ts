// Original file: proto/bfs.proto

import type { Attr as _bfs_Attr, Attr__Output as _bfs_Attr__Output } from '../bfs/Attr.js';

export interface RemoveRes {
  'dirAttr'?: (_bfs_Attr | null);
}

export interface RemoveRes__Output {
  'dirAttr': (_bfs_Attr__Output | null);
}
