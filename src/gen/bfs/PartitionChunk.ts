// Original file: proto/bfs.proto


/**
 * Part of one partition (src/fs/partition-chunks.ts): a partition of any size
 * moves in chunks of about bytes_max; the receiver stages them and installs
 * the partition once its digest matches the listing.
 */
export interface PartitionChunk {
  'index'?: (number);
  'data'?: (Buffer | Uint8Array | string);
  /**
   * the partition ends with this chunk
   */
  'done'?: (boolean);
  /**
   * not done: the cursor the next chunk starts at
   */
  'next'?: (Buffer | Uint8Array | string);
}

/**
 * Part of one partition (src/fs/partition-chunks.ts): a partition of any size
 * moves in chunks of about bytes_max; the receiver stages them and installs
 * the partition once its digest matches the listing.
 */
export interface PartitionChunk__Output {
  'index': (number);
  'data': (Buffer);
  /**
   * the partition ends with this chunk
   */
  'done': (boolean);
  /**
   * not done: the cursor the next chunk starts at
   */
  'next': (Buffer);
}
