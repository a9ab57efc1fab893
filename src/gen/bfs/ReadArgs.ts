// Original file: proto/bfs.proto

import type { Handle as _bfs_Handle, Handle__Output as _bfs_Handle__Output } from '../bfs/Handle.js';
import type { Long } from '@grpc/proto-loader';

export interface ReadArgs {
  'fh'?: (_bfs_Handle | null);
  'offset'?: (number | string | Long);
  'count'?: (number);
}

export interface ReadArgs__Output {
  'fh': (_bfs_Handle__Output | null);
  'offset': (number);
  'count': (number);
}
