// Original file: proto/bfs.proto

import type { Handle as _bfs_Handle, Handle__Output as _bfs_Handle__Output } from '../bfs/Handle.js';

export interface ReadLinkArgs {
  'fh'?: (_bfs_Handle | null);
}

export interface ReadLinkArgs__Output {
  'fh': (_bfs_Handle__Output | null);
}
