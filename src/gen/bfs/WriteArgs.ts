// Original file: proto/bfs.proto

import type { Handle as _bfs_Handle, Handle__Output as _bfs_Handle__Output } from '../bfs/Handle.js';
import type { Long } from '@grpc/proto-loader';

export interface WriteArgs {
  'fh'?: (_bfs_Handle | null);
  'offset'?: (number | string | Long);
  'data'?: (Buffer | Uint8Array | string);
  'append'?: (boolean);
}

export interface WriteArgs__Output {
  'fh': (_bfs_Handle__Output | null);
  'offset': (number);
  'data': (Buffer);
  'append': (boolean);
}
