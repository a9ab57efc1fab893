// Original file: proto/bfs.proto


/**
 * A request as the client sent it: the encoded Request and a MAC
 * authenticator, one HMAC-SHA256 per replica indexed by replica id.
 */
export interface AuthRequest {
  'request'?: (Buffer | Uint8Array | string);
  'macs'?: (Buffer | Uint8Array | string)[];
}

/**
 * A request as the client sent it: the encoded Request and a MAC
 * authenticator, one HMAC-SHA256 per replica indexed by replica id.
 */
export interface AuthRequest__Output {
  'request': (Buffer);
  'macs': (Buffer)[];
}
