// Original file: proto/bfs.proto

import type { Attr as _bfs_Attr, Attr__Output as _bfs_Attr__Output } from '../bfs/Attr.js';

export interface RenameRes {
  'fromDirAttr'?: (_bfs_Attr | null);
  'toDirAttr'?: (_bfs_Attr | null);
}

export interface RenameRes__Output {
  'fromDirAttr': (_bfs_Attr__Output | null);
  'toDirAttr': (_bfs_Attr__Output | null);
}
