// The contract of the pure PBFT core (DESIGN.md §3). Message shapes mirror
// proto/bfs.proto field for field (camelCase, as protobufjs decodes them, with
// 64-bit integers as numbers and bytes as Uint8Array); src/transport/codec.ts
// converts between these and the wire bytes.

export type ReplicaId = number;
export type ClientId = number;

// ── client messages ──
export interface Request {
  client: ClientId;
  timestamp: number;
  op: Uint8Array;
  readOnly: boolean;
  /** Replica that sends the full result; the others send its digest. -1: all full. */
  replier: number;
}
/**
 * A request as sent by its client: encoded Request + one MAC per replica.
 * In a pre-prepare, a big request (encoded size at least `bigRequestBytesMin`)
 * travels by digest only: `request` and `macs` empty, `digest` the digest of
 * the client's encoded request; every replica uses the copy the client sent it
 * (BFS: "big requests are sent by the client to all replicas and ordered by
 * digest only"), so the primary does not fan the bytes out again.
 */
export interface AuthRequest { request: Uint8Array; macs: Uint8Array[]; digest?: Uint8Array }

export interface Reply {
  view: number;
  timestamp: number;
  client: ClientId;
  replica: ReplicaId;
  tentative: boolean;
  result: Uint8Array;
  resultDigest: Uint8Array;
  full: boolean;
}
export interface AuthReply { reply: Uint8Array; mac: Uint8Array }

// ── replica messages ──
export interface PrePrepare { view: number; seq: number; digest: Uint8Array; timeMs: number; requests: AuthRequest[] }
export interface Prepare { view: number; seq: number; digest: Uint8Array; replica: ReplicaId }
export interface Commit { view: number; seq: number; digest: Uint8Array; replica: ReplicaId }
export interface Checkpoint { seq: number; stateDigest: Uint8Array; replica: ReplicaId }
/** A replica with a gap in its log asks for what follows `lastExecuted` (proto Lagging). */
export interface Lagging { view: number; lastExecuted: number; replica: ReplicaId }
/** A protocol message exactly as sealed (signature or MAC authenticator, by type); proofs keep signed ones. */
export interface Signed { body: Uint8Array; signer: ReplicaId; sig: Uint8Array }
/** Q entry: the sender pre-prepared the batch with `digest` at `seq`, last in `view`. */
export interface PrePreparedClaim { seq: number; digest: Uint8Array; view: number }
/**
 * VIEW-CHANGE without prepared certificates (TOCS 2002 §3.2.4): PRE-PREPAREs
 * and PREPAREs carry MAC authenticators, so a replica cannot prove what
 * prepared; it states it (P, Q) under its own signature, and the new view is
 * decided from 2f+1 or more such statements (view-change.ts).
 */
export interface ViewChange {
  view: number;
  stableSeq: number;
  stableDigest: Uint8Array;
  checkpointProof: Signed[];
  /** P: per seq above stableSeq, the batch prepared here in the highest view (pp.view = that view). */
  prepared: PrePrepare[];
  /** Q: per seq above stableSeq, each digest pre-prepared here with the highest view it was in. */
  prePrepared: PrePreparedClaim[];
  replica: ReplicaId;
}
export interface NewView { view: number; viewChanges: Signed[]; prePrepares: Signed[] }

/** The decoded ProtocolMessage oneof, as a discriminated union. */
export type ProtocolMessage =
  | { type: 'prePrepare'; prePrepare: PrePrepare }
  | { type: 'prepare'; prepare: Prepare }
  | { type: 'commit'; commit: Commit }
  | { type: 'checkpoint'; checkpoint: Checkpoint }
  | { type: 'lagging'; lagging: Lagging }
  | { type: 'viewChange'; viewChange: ViewChange }
  | { type: 'newView'; newView: NewView };

// ── injected dependencies (keep the core pure) ──

/**
 * Authentication and encoding, injected so the core stays pure and the
 * simulator can swap in a fast fake. Every method is deterministic.
 */
export interface ProtocolAuth {
  /** Encode `msg` and sign it as this replica. */
  seal(msg: ProtocolMessage): Signed;
  /** Check `signed.sig` against `signed.signer`'s key and decode; null if forged or malformed. */
  open(signed: Signed): ProtocolMessage | null;
  /** Decode a client request and check this replica's MAC entry; null if either fails. */
  openRequest(req: AuthRequest): Request | null;
  /** Encode a reply and MAC it for its client. */
  sealReply(reply: Reply): AuthReply;
  /** Collision-resistant digest (SHA-256). */
  digest(bytes: Uint8Array): Uint8Array;
}

/**
 * The replicated state machine as the core sees it. Deterministic: the same
 * calls in the same order give the same results and digests on every replica.
 */
export interface StateMachine {
  /** Execute one ordered operation at the agreed time; returns the encoded result. */
  execute(op: Uint8Array, client: ClientId, timeMs: number): Uint8Array;
  /** Execute a read-only operation on the current state; must not change state. */
  query(op: Uint8Array, client: ClientId): Uint8Array;
  /** Digest of the current state. */
  digest(): Uint8Array;
  /** Start recording an undo journal (tentative execution of one batch). */
  beginTentative(): void;
  /** Keep the tentative changes (the batch committed). */
  commitTentative(): void;
  /** Undo every change since beginTentative (a view change dropped the batch). */
  rollbackTentative(): void;
  /**
   * Optional (state transfer, issue #6): the core took its checkpoint at `seq`;
   * the current state is exactly the state after executing `seq`.
   */
  checkpointTaken?(seq: number): void;
  /** Optional: the checkpoint at `seq` became stable; serve this state to lagging replicas. */
  checkpointStable?(seq: number): void;
  /**
   * Optional (exactly-once across state transfer): keep the last reply per
   * client AS PART OF the replicated state (covered by digest(), undone by
   * rollbackTentative). The core calls it after each ordered execution.
   */
  recordReply?(client: ClientId, timestamp: number, result: Uint8Array): void;
  /** Optional: what recordReply kept; read by the core after a state transfer to rebuild its reply cache. */
  lastReplies?(): Iterable<{ client: ClientId; timestamp: number; result: Uint8Array }>;
}

// ── Replica.step(input) -> Output[] ──

export type Input =
  /** A protocol message whose signature the transport has already verified. */
  | { type: 'protocol'; signed: Signed; msg: ProtocolMessage }
  /** A client request (from the client or forwarded) whose MAC for us verified. */
  | { type: 'request'; auth: AuthRequest; request: Request }
  /** One tick of the runtime's (or simulator's) clock; `nowMs` is the local clock reading. */
  | { type: 'tick'; nowMs: number }
  /**
   * The runtime installed the state of the certified checkpoint the core asked
   * for with 'fetchState' and checked that the state machine's digest equals
   * `digest` (issue #6).
   */
  | { type: 'stateTransferred'; seq: number; digest: Uint8Array };

export type DropReason = string;

export type Output =
  | { type: 'broadcast'; signed: Signed }                     // to every other replica
  | { type: 'send'; to: ReplicaId; signed: Signed }
  | { type: 'forward'; to: ReplicaId; auth: AuthRequest }     // a request to the primary
  | { type: 'reply'; client: ClientId; reply: AuthReply }
  /** Something the runtime should log and count (metrics `dropped{reason}` etc.). */
  | { type: 'event'; level: 'debug' | 'info' | 'warn'; event: string; fields: Record<string, string | number | boolean> }
  /**
   * We are behind: fetch the state of the checkpoint at `seq` whose digest 2f+1
   * replicas certified (`digest`), install it, then feed 'stateTransferred'.
   * A later fetchState replaces an earlier one. The core executes nothing meanwhile.
   */
  | { type: 'fetchState'; seq: number; digest: Uint8Array };

export interface ReplicaConfig {
  id: ReplicaId;
  n: number;
  /** Checkpoint interval K (default 128); watermark window L = 2K. */
  checkpointInterval: number;
  /** Max requests and bytes per batch. */
  batchRequestsMax: number;
  batchBytesMax: number;
  /**
   * A request whose encoded size is at least this goes into pre-prepares by
   * digest only (clients send such requests to every replica). Infinity: never.
   * Backups accept both forms whatever their own setting.
   */
  bigRequestBytesMin: number;
  /** Max batches in flight (pre-prepared, not yet committed) at the primary. */
  inFlightBatchesMax: number;
  /** View-change timeout, doubled on each consecutive view change. */
  viewChangeTimeoutTicks: number;
  /** Length of one tick in ms (to compare the proposed batch time with our clock). */
  tickMs: number;
  /** Backups accept a proposed batch time within this bound of their clock. */
  timeSkewMsMax: number;
  tentativeExecution: boolean;
}

// ── additions by the pbft core (issue #3) ──

/** What a replica reports about itself (Status RPC, `bfs status`, simulator). */
export interface ReplicaStatus {
  id: ReplicaId;
  view: number;
  primary: ReplicaId;
  lastExecuted: number;
  lastCommitted?: number;
  stableSeq: number;
  stableDigest: Uint8Array;
  viewChanging: boolean;
}

/** Client-side authentication, injected into ClientCore so it stays pure. */
export interface ClientAuth {
  /** Encode `req` and MAC it for every replica. */
  sealRequest(req: Request): AuthRequest;
  /** Collision-resistant digest (SHA-256), used to check full results against reply digests. */
  digest(bytes: Uint8Array): Uint8Array;
}

/** What ClientCore asks its runtime to do. */
export type ClientOutput =
  | { type: 'send'; to: ReplicaId | 'all'; auth: AuthRequest }
  | { type: 'done'; timestamp: number; result: Uint8Array };
