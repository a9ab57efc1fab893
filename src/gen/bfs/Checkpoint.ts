// Original file: proto/bfs.proto

import type { Long } from '@grpc/proto-loader';

export interface Checkpoint {
  'seq'?: (number | string | Long);
  'stateDigest'?: (Buffer | Uint8Array | string);
  'replica'?: (number);
}

export interface Checkpoint__Output {
  'seq': (number);
  'stateDigest': (Buffer);
  'replica': (number);
}
