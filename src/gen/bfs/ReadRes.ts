// Original file: proto/bfs.proto

import type { Attr as _bfs_Attr, Attr__Output as _bfs_Attr__Output } from '../bfs/Attr.js';

export interface ReadRes {
  'data'?: (Buffer | Uint8Array | string);
  'eof'?: (boolean);
  'attr'?: (_bfs_Attr | null);
}

export interface ReadRes__Output {
  'data': (Buffer);
  'eof': (boolean);
  'attr': (_bfs_Attr__Output | null);
}
