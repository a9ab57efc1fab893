// Original file: proto/bfs.proto


export interface ReadLinkRes {
  'target'?: (string);
}

export interface ReadLinkRes__Output {
  'target': (string);
}
