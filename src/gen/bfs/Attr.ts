// Original file: proto/bfs.proto

import type { Handle as _bfs_Handle, Handle__Output as _bfs_Handle__Output } from '../bfs/Handle.js';
import type { FileType as _bfs_FileType, FileType__Output as _bfs_FileType__Output } from '../bfs/FileType.js';
import type { Timespec as _bfs_Timespec, Timespec__Output as _bfs_Timespec__Output } from '../bfs/Timespec.js';
import type { Long } from '@grpc/proto-loader';

export interface Attr {
  'fh'?: (_bfs_Handle | null);
  'type'?: (_bfs_FileType);
  /**
   * permission bits and type bits, as in st_mode
   */
  'mode'?: (number);
  'nlink'?: (number);
  'uid'?: (number);
  'gid'?: (number);
  'size'?: (number | string | Long);
  /**
   * 512-byte blocks actually allocated (sparse files)
   */
  'blocks'?: (number | string | Long);
  'atime'?: (_bfs_Timespec | null);
  'mtime'?: (_bfs_Timespec | null);
  'ctime'?: (_bfs_Timespec | null);
}

export interface Attr__Output {
  'fh': (_bfs_Handle__Output | null);
  'type': (_bfs_FileType__Output);
  /**
   * permission bits and type bits, as in st_mode
   */
  'mode': (number);
  'nlink': (number);
  'uid': (number);
  'gid': (number);
  'size': (number);
  /**
   * 512-byte blocks actually allocated (sparse files)
   */
  'blocks': (number);
  'atime': (_bfs_Timespec__Output | null);
  'mtime': (_bfs_Timespec__Output | null);
  'ctime': (_bfs_Timespec__Output | null);
}
