// Original file: proto/bfs.proto

import type { Handle as _bfs_Handle, Handle__Output as _bfs_Handle__Output } from '../bfs/Handle.js';

export interface LinkArgs {
  'fh'?: (_bfs_Handle | null);
  'dir'?: (_bfs_Handle | null);
  'name'?: (string);
}

export interface LinkArgs__Output {
  'fh': (_bfs_Handle__Output | null);
  'dir': (_bfs_Handle__Output | null);
  'name': (string);
}
