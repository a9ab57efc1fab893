// Original file: proto/bfs.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchStateRequest {
  /**
   * the checkpoint wanted
   */
  'seq'?: (number | string | Long);
  /**
   * send the partition listing
   */
  'list'?: (boolean);
  /**
   * send these partitions (in order, up to bytes_max)
   */
  'partitions'?: (number)[];
  /**
   * budget for blobs in this reply (at least one is sent)
   */
  'bytesMax'?: (number | string | Long);
  /**
   * > 0: send the signed protocol messages of committed batches from here on
   */
  'logFrom'?: (number | string | Long);
  /**
   * answer `partitions` with chunks (bounded size) instead of whole blobs
   */
  'chunked'?: (boolean);
  /**
   * chunked: resume the first of `partitions` here (empty: its start)
   */
  'cursor'?: (Buffer | Uint8Array | string);
}

export interface FetchStateRequest__Output {
  /**
   * the checkpoint wanted
   */
  'seq': (number);
  /**
   * send the partition listing
   */
  'list': (boolean);
  /**
   * send these partitions (in order, up to bytes_max)
   */
  'partitions': (number)[];
  /**
   * budget for blobs in this reply (at least one is sent)
   */
  'bytesMax': (number);
  /**
   * > 0: send the signed protocol messages of committed batches from here on
   */
  'logFrom': (number);
  /**
   * answer `partitions` with chunks (bounded size) instead of whole blobs
   */
  'chunked': (boolean);
  /**
   * chunked: resume the first of `partitions` here (empty: its start)
   */
  'cursor': (Buffer);
}
