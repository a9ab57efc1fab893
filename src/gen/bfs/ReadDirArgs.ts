// Original file: proto/bfs.proto

import type { Handle as _bfs_Handle, Handle__Output as _bfs_Handle__Output } from '../bfs/Handle.js';
import type { Long } from '@grpc/proto-loader';

export interface ReadDirArgs {
  'dir'?: (_bfs_Handle | null);
  'cookie'?: (number | string | Long);
  'count'?: (number);
}

export interface ReadDirArgs__Output {
  'dir': (_bfs_Handle__Output | null);
  'cookie': (number);
  'count': (number);
}
