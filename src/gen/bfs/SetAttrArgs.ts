// Original file: proto/bfs.proto

import type { Handle as _bfs_Handle, Handle__Output as _bfs_Handle__Output } from '../bfs/Handle.js';
import type { Timespec as _bfs_Timespec, Timespec__Output as _bfs_Timespec__Output } from '../bfs/Timespec.js';
import type { Long } from '@grpc/proto-loader';

export interface SetAttrArgs {
  'fh'?: (_bfs_Handle | null);
  'mode'?: (number);
  'uid'?: (number);
  'gid'?: (number);
  'size'?: (number | string | Long);
  /**
   * explicit time
   */
  'atime'?: (_bfs_Timespec | null);
  'mtime'?: (_bfs_Timespec | null);
  /**
   * set to the agreed time (UTIME_NOW)
   */
  'atimeNow'?: (boolean);
  'mtimeNow'?: (boolean);
  '_mode'?: "mode";
  '_uid'?: "uid";
  '_gid'?: "gid";
  '_size'?: "size";
  '_atime'?: "atime";
  '_mtime'?: "mtime";
}

export interface SetAttrArgs__Output {
  'fh': (_bfs_Handle__Output | null);
  'mode'?: (number);
  'uid'?: (number);
  'gid'?: (number);
  'size'?: (number);
  /**
   * explicit time
   */
  'atime'?: (_bfs_Timespec__Output | null);
  'mtime'?: (_bfs_Timespec__Output | null);
  /**
   * set to the agreed time (UTIME_NOW)
   */
  'atimeNow': (boolean);
  'mtimeNow': (boolean);
  '_mode'?: "mode";
  '_uid'?: "uid";
  '_gid'?: "gid";
  '_size'?: "size";
  '_atime'?: "atime";
  '_mtime'?: "mtime";
}
