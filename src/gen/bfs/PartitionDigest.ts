// Original file: proto/bfs.proto


export interface PartitionDigest {
  'index'?: (number);
  'digest'?: (Buffer | Uint8Array | string);
}

export interface PartitionDigest__Output {
  'index': (number);
  'digest': (Buffer);
}
