// Original file: proto/bfs.proto


/**
 * A reply as sent: the encoded Reply and the replica's HMAC for its client.
 */
export interface AuthReply {
  'reply'?: (Buffer | Uint8Array | string);
  'mac'?: (Buffer | Uint8Array | string);
}

/**
 * A reply as sent: the encoded Reply and the replica's HMAC for its client.
 */
export interface AuthReply__Output {
  'reply': (Buffer);
  'mac': (Buffer);
}
