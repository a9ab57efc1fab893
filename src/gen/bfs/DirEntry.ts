// Original file: proto/bfs.proto

import type { Handle as _bfs_Handle, Handle__Output as _bfs_Handle__Output } from '../bfs/Handle.js';
import type { FileType as _bfs_FileType, FileType__Output as _bfs_FileType__Output } from '../bfs/FileType.js';
import type { Long } from '@grpc/proto-loader';

export interface DirEntry {
  'name'?: (string);
  'fh'?: (_bfs_Handle | null);
  'type'?: (_bfs_FileType);
  'cookie'?: (number | string | Long);
}

export interface DirEntry__Output {
  'name': (string);
  'fh': (_bfs_Handle__Output | null);
  'type': (_bfs_FileType__Output);
  'cookie': (number);
}
