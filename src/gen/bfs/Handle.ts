// Original file: proto/bfs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A file handle: inode number plus generation, so a handle to a removed and
 * reused inode is detected (ESTALE) instead of silently naming another file.
 */
export interface Handle {
  'ino'?: (number | string | Long);
  'gen'?: (number);
}

/**
 * A file handle: inode number plus generation, so a handle to a removed and
 * reused inode is detected (ESTALE) instead of silently naming another file.
 */
export interface Handle__Output {
  'ino': (number);
  'gen': (number);
}
