// Original file: proto/bfs.proto

import type { Attr as _bfs_Attr, Attr__Output as _bfs_Attr__Output } from '../bfs/Attr.js';

export interface WriteRes {
  'count'?: (number);
  'attr'?: (_bfs_Attr | null);
}

export interface WriteRes__Output {
  'count': (number);
  'attr': (_bfs_Attr__Output | null);
}
