// Original file: proto/bfs.proto

import type { Long } from '@grpc/proto-loader';

export interface Reply {
  'view'?: (number | string | Long);
  'timestamp'?: (number | string | Long);
  'client'?: (number);
  'replica'?: (number);
  'tentative'?: (boolean);
  /**
   * the full result, or empty in a digest reply
   */
  'result'?: (Buffer | Uint8Array | string);
  /**
   * always: SHA-256 of the full result
   */
  'resultDigest'?: (Buffer | Uint8Array | string);
  /**
   * true when `result` carries the full result
   */
  'full'?: (boolean);
}

export interface Reply__Output {
  'view': (number);
  'timestamp': (number);
  'client': (number);
  'replica': (number);
  'tentative': (boolean);
  /**
   * the full result, or empty in a digest reply
   */
  'result': (Buffer);
  /**
   * always: SHA-256 of the full result
   */
  'resultDigest': (Buffer);
  /**
   * true when `result` carries the full result
   */
  'full': (boolean);
}
