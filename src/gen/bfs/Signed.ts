// Original file: proto/bfs.proto


/**
 * A protocol message exactly as signed: encoded ProtocolMessage, its signer and
 * the Ed25519 signature over `body`. Certificates are lists of these, so anyone
 * can re-verify them.
 */
export interface Signed {
  'body'?: (Buffer | Uint8Array | string);
  'signer'?: (number);
  'sig'?: (Buffer | Uint8Array | string);
}

/**
 * A protocol message exactly as signed: encoded ProtocolMessage, its signer and
 * the Ed25519 signature over `body`. Certificates are lists of these, so anyone
 * can re-verify them.
 */
export interface Signed__Output {
  'body': (Buffer);
  'signer': (number);
  'sig': (Buffer);
}
