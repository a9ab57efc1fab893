// Original file: proto/bfs.proto

import type { Long } from '@grpc/proto-loader';

export interface StatusReply {
  'replica'?: (number);
  'view'?: (number | string | Long);
  'primary'?: (number);
  'lastExecuted'?: (number | string | Long);
  'stableSeq'?: (number | string | Long);
  'stateDigest'?: (Buffer | Uint8Array | string);
  'viewChanging'?: (boolean);
}

export interface StatusReply__Output {
  'replica': (number);
  'view': (number);
  'primary': (number);
  'lastExecuted': (number);
  'stableSeq': (number);
  'stateDigest': (Buffer);
  'viewChanging': (boolean);
}
