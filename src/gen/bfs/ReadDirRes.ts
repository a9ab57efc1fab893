// Original file: proto/bfs.proto

import type { DirEntry as _bfs_DirEntry, DirEntry__Output as _bfs_DirEntry__Output } from '../bfs/DirEntry.js';
import type { Attr as _bfs_Attr, Attr__Output as _bfs_Attr__Output } from '../bfs/Attr.js';

export interface ReadDirRes {
  'entries'?: (_bfs_DirEntry)[];
  'eof'?: (boolean);
  'dirAttr'?: (_bfs_Attr | null);
}

export interface ReadDirRes__Output {
  'entries': (_bfs_DirEntry__Output)[];
  'eof': (boolean);
  'dirAttr': (_bfs_Attr__Output | null);
}
