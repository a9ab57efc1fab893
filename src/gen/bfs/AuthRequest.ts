// Original file: proto/bfs.proto


/**
 * A request as the client sent it: the encoded Request and a MAC
 * authenticator, one HMAC-SHA256 per replica indexed by replica id.
 * In a PRE-PREPARE, a big request (BFS: "sent by the client to all replicas
 * and ordered by digest only") has no request and no macs, only `digest`:
 * the digest of the client's encoded request, whose own copy each replica got
 * from the client.
 */
export interface AuthRequest {
  'request'?: (Buffer | Uint8Array | string);
  'macs'?: (Buffer | Uint8Array | string)[];
  'digest'?: (Buffer | Uint8Array | string);
}

/**
 * A request as the client sent it: the encoded Request and a MAC
 * authenticator, one HMAC-SHA256 per replica indexed by replica id.
 * In a PRE-PREPARE, a big request (BFS: "sent by the client to all replicas
 * and ordered by digest only") has no request and no macs, only `digest`:
 * the digest of the client's encoded request, whose own copy each replica got
 * from the client.
 */
export interface AuthRequest__Output {
  'request': (Buffer);
  'macs': (Buffer)[];
  'digest': (Buffer);
}
