// Original file: proto/bfs.proto

import type { Long } from '@grpc/proto-loader';

export interface Prepare {
  'view'?: (number | string | Long);
  'seq'?: (number | string | Long);
  'digest'?: (Buffer | Uint8Array | string);
  'replica'?: (number);
}

export interface Prepare__Output {
  'view': (number);
  'seq': (number);
  'digest': (Buffer);
  'replica': (number);
}
