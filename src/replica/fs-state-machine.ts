// The file service as the PBFT core's StateMachine: op bytes -> FsRequest ->
// identity check -> FileTree -> encoded FsResult. Every step is deterministic,
// so all correct replicas produce the same result bytes and digests.
import type { ClientId, StateMachine } from '../pbft/types.js';
import { decodeFsRequest, encodeFsResult } from '../transport/codec.js';
import { EINVAL, EPERM, isReadOnlyOp, type Credentials, type FsRequest, type FsResult } from '../fs/types.js';

/** The parts of the file tree the adapter uses (src/fs FileTree). */
export interface FsTree {
  apply(req: FsRequest, timeMs: number): FsResult;
  query(req: FsRequest): FsResult;
  digest(): Uint8Array;
  beginTentative(): void;
  commitTentative(): void;
  rollbackTentative(): void;
  /** The last-reply table kept as replicated state (FileTree); optional for test doubles. */
  recordReply?(client: number, timestamp: number, result: Uint8Array): boolean;
  lastReplies?(): { client: number; timestamp: number; result: Uint8Array }[];
}

/** Wire encoding of the file-service messages (src/transport/codec). */
export interface FsCodec {
  /** null when the bytes are not a valid FsRequest. */
  decodeFsRequest(bytes: Uint8Array): FsRequest | null;
  encodeFsResult(result: FsResult): Uint8Array;
}

/** May the authenticated `client` act as `cred`? (from the cluster file) */
export type IdentityPolicy = (client: ClientId, cred: Credentials) => boolean;

export class FsStateMachine implements StateMachine {
  constructor(
    private readonly tree: FsTree,
    private readonly mayActAs: IdentityPolicy,
    private readonly codec: FsCodec = { decodeFsRequest, encodeFsResult },
  ) {}

  execute(op: Uint8Array, client: ClientId, timeMs: number): Uint8Array {
    const req = this.decode(op);
    if (!req) return this.codec.encodeFsResult({ errno: EINVAL });
    if (!this.mayActAs(client, req.cred)) return this.codec.encodeFsResult({ errno: EPERM });
    return this.codec.encodeFsResult(this.tree.apply(req, timeMs));
  }

  query(op: Uint8Array, client: ClientId): Uint8Array {
    const req = this.decode(op);
    if (!req) return this.codec.encodeFsResult({ errno: EINVAL });
    if (!this.mayActAs(client, req.cred)) return this.codec.encodeFsResult({ errno: EPERM });
    // A client that marks a mutating op read-only gets EINVAL, never a state change.
    if (!isReadOnlyOp(req)) return this.codec.encodeFsResult({ errno: EINVAL });
    return this.codec.encodeFsResult(this.tree.query(req));
  }

  digest(): Uint8Array { return this.tree.digest(); }
  beginTentative(): void { this.tree.beginTentative(); }
  commitTentative(): void { this.tree.commitTentative(); }
  rollbackTentative(): void { this.tree.rollbackTentative(); }

  // Exactly-once across state transfer: the tree keeps the last reply per
  // client as replicated state, so it moves with the partitions.
  recordReply(client: ClientId, timestamp: number, result: Uint8Array): void {
    this.tree.recordReply?.(client, timestamp, result);
  }

  lastReplies(): Iterable<{ client: ClientId; timestamp: number; result: Uint8Array }> {
    return this.tree.lastReplies?.() ?? [];
  }

  private decode(op: Uint8Array): FsRequest | null {
    try {
      return this.codec.decodeFsRequest(op);
    } catch {
      return null;
    }
  }
}

/**
 * Identity policy from the cluster file's clients: a client may act as the
 * uids listed for it ("any": every uid). Unknown clients may act as no one.
 */
export function identityPolicy(clients: readonly { id: number; uids: 'any' | readonly number[] }[]): IdentityPolicy {
  const allowed = new Map(clients.map((c) => [c.id, c.uids] as const));
  return (client, cred) => {
    const uids = allowed.get(client);
    return uids === 'any' || (uids !== undefined && uids.includes(cred.uid));
  };
}
