// Original file: proto/bfs.proto


/**
 * A protocol message exactly as sealed: encoded ProtocolMessage, its sender and
 * `sig`: an Ed25519 signature over `body` (CHECKPOINT, VIEW-CHANGE, NEW-VIEW,
 * LAGGING: anyone can re-verify them, so proofs are lists of these) or a MAC
 * authenticator (PRE-PREPARE, PREPARE, COMMIT: one HMAC per replica; see
 * src/crypto/node-auth.ts).
 */
export interface Signed {
  'body'?: (Buffer | Uint8Array | string);
  'signer'?: (number);
  'sig'?: (Buffer | Uint8Array | string);
}

/**
 * A protocol message exactly as sealed: encoded ProtocolMessage, its sender and
 * `sig`: an Ed25519 signature over `body` (CHECKPOINT, VIEW-CHANGE, NEW-VIEW,
 * LAGGING: anyone can re-verify them, so proofs are lists of these) or a MAC
 * authenticator (PRE-PREPARE, PREPARE, COMMIT: one HMAC per replica; see
 * src/crypto/node-auth.ts).
 */
export interface Signed__Output {
  'body': (Buffer);
  'signer': (number);
  'sig': (Buffer);
}
