// Original file: proto/bfs.proto

import type { Handle as _bfs_Handle, Handle__Output as _bfs_Handle__Output } from '../bfs/Handle.js';

export interface RemoveArgs {
  'dir'?: (_bfs_Handle | null);
  'name'?: (string);
}

export interface RemoveArgs__Output {
  'dir': (_bfs_Handle__Output | null);
  'name': (string);
}
