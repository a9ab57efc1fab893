// Original file: proto/bfs.proto

import type { Attr as _bfs_Attr, Attr__Output as _bfs_Attr__Output } from '../bfs/Attr.js';

export interface LookupRes {
  'attr'?: (_bfs_Attr | null);
}

export interface LookupRes__Output {
  'attr': (_bfs_Attr__Output | null);
}
