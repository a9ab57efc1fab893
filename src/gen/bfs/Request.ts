// Original file: proto/bfs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * REQUEST(o, t, c). The protocol treats `op` as opaque bytes (an encoded
 * FsRequest for the file service).
 */
export interface Request {
  'client'?: (number);
  /**
   * strictly increasing per client
   */
  'timestamp'?: (number | string | Long);
  'op'?: (Buffer | Uint8Array | string);
  'readOnly'?: (boolean);
  /**
   * replica that sends the full result, others its digest; -1: everyone full
   */
  'replier'?: (number);
}

/**
 * REQUEST(o, t, c). The protocol treats `op` as opaque bytes (an encoded
 * FsRequest for the file service).
 */
export interface Request__Output {
  'client': (number);
  /**
   * strictly increasing per client
   */
  'timestamp': (number);
  'op': (Buffer);
  'readOnly': (boolean);
  /**
   * replica that sends the full result, others its digest; -1: everyone full
   */
  'replier': (number);
}
