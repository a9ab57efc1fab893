// Original file: proto/bfs.proto

import type { Long } from '@grpc/proto-loader';

export interface StatFsRes {
  'bsize'?: (number | string | Long);
  'blocks'?: (number | string | Long);
  'bfree'?: (number | string | Long);
  'bavail'?: (number | string | Long);
  'files'?: (number | string | Long);
  'ffree'?: (number | string | Long);
  'namemax'?: (number);
}

export interface StatFsRes__Output {
  'bsize': (number);
  'blocks': (number);
  'bfree': (number);
  'bavail': (number);
  'files': (number);
  'ffree': (number);
  'namemax': (number);
}
