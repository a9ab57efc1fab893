// LocalInvoker: the file service without replication, over an in-process file
// tree. For tests and the mount tests (NOT used in production). By default every
// request and result goes through the wire codec, as it would over the network,
// so nothing is shared by reference and what works here encodes.
import { createHash } from 'node:crypto';
import { FileTree } from '../fs/file-tree.js';
import { decodeFsRequest, decodeFsResult, encodeFsRequest, encodeFsResult } from '../transport/codec.js';
import { EINVAL, EIO, isReadOnlyOp, type FsRequest, type FsResult } from '../fs/types.js';
import type { Invoker } from './invoker.js';

/** The parts of src/fs's FileTree used here. */
export interface LocalTree {
  /** Execute a read-write op at the agreed time. */
  apply(req: FsRequest, timeMs: number): FsResult;
  /** Execute a read-only op; changes nothing. */
  query(req: FsRequest): FsResult;
}

export interface LocalInvokerOptions {
  /** Default: a fresh FileTree with SHA-256 and default limits. */
  tree?: LocalTree;
  /** Wall clock in ms; the invoker keeps the agreed time from going backwards, as the replicas do. */
  clock?: () => number;
  /** Round-trip every request and result through the protobuf codec (default true). */
  viaCodec?: boolean;
}

function sha256(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest();
}

export class LocalInvoker implements Invoker {
  private lastTimeMs = 0;
  private closed = false;
  private readonly clock: () => number;
  private readonly viaCodec: boolean;

  private readonly tree: LocalTree;

  constructor(options: LocalInvokerOptions = {}) {
    this.tree = options.tree ?? new FileTree({ hash: sha256 });
    this.clock = options.clock ?? Date.now;
    this.viaCodec = options.viaCodec ?? true;
  }

  async invoke(req: FsRequest): Promise<FsResult> {
    if (this.closed) throw new Error('LocalInvoker: invoke after close');
    const sent = this.viaCodec ? decodeFsRequest(encodeFsRequest(req)) : req;
    if (sent === null) return { errno: EINVAL };
    const result = isReadOnlyOp(sent) ? this.tree.query(sent) : this.tree.apply(sent, this.nextTimeMs());
    if (!this.viaCodec) return result;
    return decodeFsResult(encodeFsResult(result)) ?? { errno: EIO };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private nextTimeMs(): number {
    this.lastTimeMs = Math.max(this.lastTimeMs, this.clock());
    return this.lastTimeMs;
  }
}
