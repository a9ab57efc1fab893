// Original file: proto/bfs.proto


export interface Hello {
  'body'?: (Buffer | Uint8Array | string);
  'sig'?: (Buffer | Uint8Array | string);
}

export interface Hello__Output {
  'body': (Buffer);
  'sig': (Buffer);
}
