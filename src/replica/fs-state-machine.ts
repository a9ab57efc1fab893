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

const PROTOBUF_CODEC: FsCodec = { decodeFsRequest, encodeFsResult };

/**
 * Decoded requests by codec, then by op bytes (the array itself). A replica
 * executes every op twice, on its live tree and again on its checkpoint tree
 * (CheckpointingMachine replays the same op arrays at the next stable
 * checkpoint), and decoding was ~2% of all CPU per op each time at 64 clients.
 * Sound because op bytes are never changed once received and the file tree
 * only reads a request (write data is copied into blocks); entries go with
 * their op arrays.
 */
const decodedByCodec = new WeakMap<FsCodec, WeakMap<Uint8Array, FsRequest | null>>();

export class FsStateMachine implements StateMachine {
  private readonly decoded: WeakMap<Uint8Array, FsRequest | null>;

  constructor(
    private readonly tree: FsTree,
    private readonly mayActAs: IdentityPolicy,
    private readonly codec: FsCodec = PROTOBUF_CODEC,
  ) {
    let decoded = decodedByCodec.get(codec);
    if (!decoded) decodedByCodec.set(codec, decoded = new WeakMap());
    this.decoded = decoded;
  }

  execute(op: Uint8Array, client: ClientId, timeMs: number): Uint8Array {
    const req = this.decode(op, true);
    if (!req) return this.codec.encodeFsResult({ errno: EINVAL });
    if (!this.mayActAs(client, req.cred)) return this.codec.encodeFsResult({ errno: EPERM });
    return this.codec.encodeFsResult(this.tree.apply(req, timeMs));
  }

  query(op: Uint8Array, client: ClientId): Uint8Array {
    const req = this.decode(op, false);
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

  /** `remember`: keep the result for the replay on the checkpoint tree (ordered ops only; a query runs once). */
  private decode(op: Uint8Array, remember: boolean): FsRequest | null {
    const hit = this.decoded.get(op);
    if (hit !== undefined) return hit;
    let req: FsRequest | null;
    try {
      req = this.codec.decodeFsRequest(op);
    } catch {
      req = null;
    }
    if (remember) this.decoded.set(op, req);
    return req;
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
