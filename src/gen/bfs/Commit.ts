// Original file: proto/bfs.proto

import type { Long } from '@grpc/proto-loader';

export interface Commit {
  'view'?: (number | string | Long);
  'seq'?: (number | string | Long);
  'digest'?: (Buffer | Uint8Array | string);
  'replica'?: (number);
}

export interface Commit__Output {
  'view': (number);
  'seq': (number);
  'digest': (Buffer);
  'replica': (number);
}
