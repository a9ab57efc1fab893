// Original file: proto/bfs.proto

import type { PartitionDigest as _bfs_PartitionDigest, PartitionDigest__Output as _bfs_PartitionDigest__Output } from '../bfs/PartitionDigest.js';
import type { Signed as _bfs_Signed, Signed__Output as _bfs_Signed__Output } from '../bfs/Signed.js';
import type { PartitionChunk as _bfs_PartitionChunk, PartitionChunk__Output as _bfs_PartitionChunk__Output } from '../bfs/PartitionChunk.js';
import type { Long } from '@grpc/proto-loader';

export interface FetchStateReply {
  /**
   * the checkpoint the server holds (may differ: then nothing else is sent)
   */
  'seq'?: (number | string | Long);
  'listing'?: (_bfs_PartitionDigest)[];
  /**
   * partitions sent, parallel to blobs
   */
  'indices'?: (number)[];
  'blobs'?: (Buffer | Uint8Array | string)[];
  /**
   * pre-prepares, prepares and commits (verified by the receiver's core)
   */
  'log'?: (_bfs_Signed)[];
  /**
   * chunked: consecutive chunks of `partitions`, in order, within bytes_max
   */
  'chunks'?: (_bfs_PartitionChunk)[];
}

export interface FetchStateReply__Output {
  /**
   * the checkpoint the server holds (may differ: then nothing else is sent)
   */
  'seq': (number);
  'listing': (_bfs_PartitionDigest__Output)[];
  /**
   * partitions sent, parallel to blobs
   */
  'indices': (number)[];
  'blobs': (Buffer)[];
  /**
   * pre-prepares, prepares and commits (verified by the receiver's core)
   */
  'log': (_bfs_Signed__Output)[];
  /**
   * chunked: consecutive chunks of `partitions`, in order, within bytes_max
   */
  'chunks': (_bfs_PartitionChunk__Output)[];
}
