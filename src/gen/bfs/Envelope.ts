// Original file: proto/bfs.proto

import type { Signed as _bfs_Signed, Signed__Output as _bfs_Signed__Output } from '../bfs/Signed.js';
import type { AuthRequest as _bfs_AuthRequest, AuthRequest__Output as _bfs_AuthRequest__Output } from '../bfs/AuthRequest.js';
import type { AuthReply as _bfs_AuthReply, AuthReply__Output as _bfs_AuthReply__Output } from '../bfs/AuthReply.js';
import type { Hello as _bfs_Hello, Hello__Output as _bfs_Hello__Output } from '../bfs/Hello.js';
import type { Bundle as _bfs_Bundle, Bundle__Output as _bfs_Bundle__Output } from '../bfs/Bundle.js';

/**
 * Everything on a stream is an Envelope. Replica↔replica traffic is Signed,
 * client→replica is AuthRequest, replica→client is AuthReply.
 */
export interface Envelope {
  'signed'?: (_bfs_Signed | null);
  'request'?: (_bfs_AuthRequest | null);
  'reply'?: (_bfs_AuthReply | null);
  'hello'?: (_bfs_Hello | null);
  'bundle'?: (_bfs_Bundle | null);
  'body'?: "signed"|"request"|"reply"|"hello"|"bundle";
}

/**
 * Everything on a stream is an Envelope. Replica↔replica traffic is Signed,
 * client→replica is AuthRequest, replica→client is AuthReply.
 */
export interface Envelope__Output {
  'signed'?: (_bfs_Signed__Output | null);
  'request'?: (_bfs_AuthRequest__Output | null);
  'reply'?: (_bfs_AuthReply__Output | null);
  'hello'?: (_bfs_Hello__Output | null);
  'bundle'?: (_bfs_Bundle__Output | null);
  'body'?: "signed"|"request"|"reply"|"hello"|"bundle";
}
