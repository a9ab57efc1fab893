// Original file: proto/bfs.proto

import type { Handle as _bfs_Handle, Handle__Output as _bfs_Handle__Output } from '../bfs/Handle.js';

export interface RenameArgs {
  'fromDir'?: (_bfs_Handle | null);
  'fromName'?: (string);
  'toDir'?: (_bfs_Handle | null);
  'toName'?: (string);
}

export interface RenameArgs__Output {
  'fromDir': (_bfs_Handle__Output | null);
  'fromName': (string);
  'toDir': (_bfs_Handle__Output | null);
  'toName': (string);
}
