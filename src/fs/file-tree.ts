// FileTree: the replicated file system state machine. Pure and deterministic:
// the same requests at the same agreed times give the same results, bytes and
// digests on every replica.
import { ByteWriter, bytesEqual } from './bytes.js';
import type { HashFn } from './hash-tree.js';
import { ROOT_INO, type Inode } from './inode.js';
import { resolveLimits, type FsLimits } from './limits.js';
import { FsFail, type Ctx } from './op-ctx.js';
import { onSetAttr, onWrite } from './ops-data.js';
import { onCreate, onLink, onMkdir, onRemove, onRename, onRmdir, onSymlink } from './ops-names.js';
import { onAccess, onGetAttr, onLookup, onRead, onReadDir, onReadLink, onStatFs } from './ops-read.js';
import { readRecord, seal, unseal, validateName, writeRecord } from './records.js';
import { EMPTY_ROOT, HashTree } from './hash-tree.js';
import { ClientTable, type ClientReply } from './client-table.js';
import { Store, inodeTreeDepth, shareInode, stateDigest } from './store.js';
import { CLIENT_PARTITION, PARTITION_INODES, PARTITION_LEVEL, PartitionImport, exportChunk, type PartitionChunk, type PartitionSide } from './partition-chunks.js';
import { FrozenSegments, SEGMENT_BLOCKS, exportSegmentChunk, partitionSegments, type PartitionSegment } from './partition-segments.js';
import { timespecOf } from './inode.js';
import { EINVAL, EROFS, isReadOnlyOp, type Credentials, type FsRequest, type FsResult, type Handle } from './types.js';

export interface FileTreeOptions {
  hash: HashFn;             // SHA-256 (32-byte output) in production
  limits?: Partial<FsLimits>;
}

export interface PartitionDigest { index: number; digest: Uint8Array }
export { CLIENT_PARTITION, FrozenSegments, PARTITION_INODES, PartitionImport, SEGMENT_BLOCKS, type PartitionChunk, type PartitionSegment };

export const ROOT_HANDLE: Readonly<Handle> = Object.freeze({ ino: ROOT_INO, gen: 1 });

const SNAPSHOT_MAGIC = 'BFSSNAP';
const PARTITION_MAGIC = 'BFSPART';
const FORMAT_VERSION = 1;
// Snapshots from version 2 on end with the last-reply table.
const SNAPSHOT_VERSION = 2;

type Handler = (ctx: Ctx, req: FsRequest) => FsResult;

const HANDLERS: Record<FsRequest['op'], Handler> = {
  getattr: (ctx, r) => onGetAttr(ctx, (r as Extract<FsRequest, { op: 'getattr' }>).getattr),
  setattr: (ctx, r) => onSetAttr(ctx, (r as Extract<FsRequest, { op: 'setattr' }>).setattr),
  lookup: (ctx, r) => onLookup(ctx, (r as Extract<FsRequest, { op: 'lookup' }>).lookup),
  access: (ctx, r) => onAccess(ctx, (r as Extract<FsRequest, { op: 'access' }>).access),
  readdir: (ctx, r) => onReadDir(ctx, (r as Extract<FsRequest, { op: 'readdir' }>).readdir),
  read: (ctx, r) => onRead(ctx, (r as Extract<FsRequest, { op: 'read' }>).read),
  write: (ctx, r) => onWrite(ctx, (r as Extract<FsRequest, { op: 'write' }>).write),
  create: (ctx, r) => onCreate(ctx, (r as Extract<FsRequest, { op: 'create' }>).create),
  mkdir: (ctx, r) => onMkdir(ctx, (r as Extract<FsRequest, { op: 'mkdir' }>).mkdir),
  symlink: (ctx, r) => onSymlink(ctx, (r as Extract<FsRequest, { op: 'symlink' }>).symlink),
  readlink: (ctx, r) => onReadLink(ctx, (r as Extract<FsRequest, { op: 'readlink' }>).readlink),
  link: (ctx, r) => onLink(ctx, (r as Extract<FsRequest, { op: 'link' }>).link),
  remove: (ctx, r) => onRemove(ctx, (r as Extract<FsRequest, { op: 'remove' }>).remove),
  rmdir: (ctx, r) => onRmdir(ctx, (r as Extract<FsRequest, { op: 'rmdir' }>).rmdir),
  rename: (ctx, r) => onRename(ctx, (r as Extract<FsRequest, { op: 'rename' }>).rename),
  statfs: (ctx) => onStatFs(ctx),
};

function isCred(cred: unknown): cred is Credentials {
  if (typeof cred !== 'object' || cred === null) return false;
  const c = cred as Record<string, unknown>;
  const u32 = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
  return u32(c.uid) && u32(c.gid) && Array.isArray(c.groups) && c.groups.every(u32);
}

// The request's shape, as far as the dispatcher needs it; each op checks its
// own fields. A forged request gets EINVAL, never an exception.
function wellFormed(req: FsRequest): boolean {
  if (typeof req !== 'object' || req === null || !isCred(req.cred)) return false;
  if (typeof req.op !== 'string' || !Object.hasOwn(HANDLERS, req.op)) return false;
  const args = (req as unknown as Record<string, unknown>)[req.op];
  return typeof args === 'object' && args !== null;
}

export class FileTree {
  private readonly store: Store;
  private readonly clients: ClientTable;
  readonly limits: FsLimits;

  // `empty` (internal: restore and partition checks) leaves out the root.
  constructor(private readonly options: FileTreeOptions, empty = false) {
    this.limits = resolveLimits(options.limits);
    if (options.hash(new Uint8Array(0)).length !== 32) throw new Error('FileTree: hash must return 32 bytes');
    if (this.limits.inodesMax + 1 >= CLIENT_PARTITION * PARTITION_INODES) throw new Error('FileTree: inodesMax too large');
    this.store = new Store(this.limits, options.hash);
    this.clients = new ClientTable(options.hash, this.limits.clientsMax);
    if (!empty) this.makeRoot();
  }

  private makeRoot(): void {
    const zero = { sec: 0, nsec: 0 };
    const meta = { mode: 0o755, uid: 0, gid: 0, nlink: 2, size: 0, atime: zero, mtime: zero, ctime: zero };
    this.store.alloc({ kind: 'dir', meta, parent: ROOT_INO });
  }

  // Executes any operation at the agreed time timeMs (integer ms since epoch).
  apply(req: FsRequest, timeMs: number): FsResult {
    if (!Number.isSafeInteger(timeMs) || timeMs < 0) throw new Error(`FileTree.apply: agreed time must be a non-negative integer, got ${timeMs}`);
    return this.run(req, timeMs);
  }

  // Read-only operations on the current state; a mutating op gets EROFS.
  query(req: FsRequest): FsResult {
    if (!wellFormed(req)) return { errno: EINVAL };
    if (!isReadOnlyOp(req)) return { errno: EROFS };
    return this.run(req, 0);
  }

  private run(req: FsRequest, timeMs: number): FsResult {
    if (!wellFormed(req)) return { errno: EINVAL };
    const ctx: Ctx = { store: this.store, limits: this.limits, cred: req.cred, now: timespecOf(timeMs) };
    try {
      return HANDLERS[req.op](ctx, req);
    } catch (err) {
      if (err instanceof FsFail) return { errno: err.errno };
      throw err;
    }
  }

  // ── tentative execution ──────────────────────────────────────────────────

  beginTentative(): void { this.store.begin(); this.clients.begin(); }
  commitTentative(): void { this.store.commit(); this.clients.commit(); }
  rollbackTentative(): void { this.store.rollback(); this.clients.rollback(); }
  get isTentative(): boolean { return this.store.tentative; }

  // ── digest ───────────────────────────────────────────────────────────────

  // 32 bytes over the whole state; only what changed since the last call is
  // re-hashed.
  digest(): Uint8Array { return this.store.digest(this.clients.root()); }

  // ── last reply per client (exactly-once across state transfer) ─────────────

  // Keeps `result` (the array itself: the caller must not change it
  // afterwards) as the last reply to `client` (replicated state: digest,
  // snapshots, partitions, undone by rollbackTentative). False when not
  // recorded: a new client beyond limits.clientsMax, or a client id that is
  // not a u32 or a timestamp that is not a non-negative safe integer.
  recordReply(client: number, timestamp: number, result: Uint8Array): boolean {
    return this.clients.set(client, timestamp, result);
  }

  // Every recorded reply, ascending by client id (copies).
  lastReplies(): ClientReply[] { return this.clients.list(); }

  // The digest computed from scratch (debugging and tests).
  recomputeDigest(): Uint8Array { return FileTree.restore(this.snapshot(), this.options).digest(); }

  stats(): { inodes: number; usedBytes: number; maxIno: number } {
    return { inodes: this.store.liveCount, usedBytes: this.store.usedBytes, maxIno: this.store.maxIno };
  }

  // ── snapshots ────────────────────────────────────────────────────────────

  snapshot(): Uint8Array {
    const w = new ByteWriter().raw(new TextEncoder().encode(SNAPSHOT_MAGIC)).u32(SNAPSHOT_VERSION).u32(this.limits.blockBytes);
    const inos = [...this.store.table.keys()].sort((a, b) => a - b);
    w.u53(inos.length);
    for (const ino of inos) writeRecord(w, this.store.table.get(ino) as Inode);
    this.clients.encode(w);
    return seal(this.options.hash, w);
  }

  static restore(bytes: Uint8Array, options: FileTreeOptions): FileTree {
    const what = 'fs snapshot';
    const tree = new FileTree(options, true);
    const r = unseal(options.hash, bytes, SNAPSHOT_MAGIC, what);
    const version = r.u32();
    readHeader(version, r.u32(), tree.limits, what, SNAPSHOT_VERSION);
    const nodes = tree.decodeRecords(r, r.u53(), what, () => true);
    if (version >= 2) tree.clients.replaceAll(ClientTable.decode(r, tree.limits.clientsMax, what));
    if (r.remaining !== 0) throw new Error(`${what}: ${r.remaining} trailing bytes`);
    for (const node of nodes) { tree.store.table.set(node.ino, node); tree.store.inodeTree.markDirty(node.ino); }
    tree.store.recount();
    tree.validate(what);
    return tree;
  }

  // Decodes `count` records into inodes (directory entries linked), without
  // touching the table; throws on anything malformed.
  private decodeRecords(r: ReturnType<typeof unseal>, count: number, what: string, inRange: (ino: number) => boolean): Inode[] {
    const store = this.store;
    const out: Inode[] = [];
    let last = 0;
    for (let i = 0; i < count; i++) {
      const { node, names } = readRecord(r, store, what);
      if (node.ino <= last || !inRange(node.ino)) throw new Error(`${what}: inode ${node.ino} out of order or out of range`);
      if (node.ino > this.limits.inodesMax + 1) throw new Error(`${what}: inode ${node.ino} beyond inodesMax`);
      last = node.ino;
      out.push(node);
      if (node.kind !== 'dir' || !names) continue;
      for (const { name, ino } of names) {
        validateName(name, this.limits, what);
        store.putEntry(node, name, { name, ino, key: store.nameKey(name) });
      }
    }
    return out;
  }

  // Structural checks after a full restore: entries and parents name live
  // inodes, the root is a directory, nothing is over its limits.
  private validate(what: string): void {
    const root = this.store.live(ROOT_INO);
    if (!root || root.kind !== 'dir' || root.gen !== ROOT_HANDLE.gen) throw new Error(`${what}: root inode missing or not a directory`);
    for (const node of this.store.table.values()) {
      if (node.kind !== 'dir') continue;
      if (!this.store.live(node.parent) || this.store.live(node.parent)?.kind !== 'dir') throw new Error(`${what}: directory ${node.ino} has no live parent`);
      for (const ent of node.entries.values()) {
        if (!this.store.live(ent.ino)) throw new Error(`${what}: entry ${JSON.stringify(ent.name)} in directory ${node.ino} names a missing inode ${ent.ino}`);
      }
    }
    if (this.store.liveCount > this.limits.inodesMax) throw new Error(`${what}: ${this.store.liveCount} inodes exceed inodesMax ${this.limits.inodesMax}`);
  }

  // ── state transfer ───────────────────────────────────────────────────────

  // Digests of the non-empty partitions, ascending by index; a non-empty
  // last-reply table is the reserved partition CLIENT_PARTITION (last).
  partitions(): PartitionDigest[] {
    this.digest();
    const out = this.store.inodeTree.level(PARTITION_LEVEL);
    const clientsRoot = this.clients.root();
    if (!bytesEqual(clientsRoot, EMPTY_ROOT)) out.push({ index: CLIENT_PARTITION, digest: clientsRoot });
    return out;
  }

  // Indices whose digest differs between this tree and `theirs` (including
  // partitions only one side has): what a lagging replica must fetch.
  diffPartitions(theirs: PartitionDigest[]): number[] {
    const ours = new Map(this.partitions().map((p) => [p.index, p.digest]));
    const other = new Map(theirs.map((p) => [p.index, p.digest]));
    const out = new Set<number>();
    for (const [index, digest] of ours) { const d = other.get(index); if (!d || !bytesEqual(d, digest)) out.add(index); }
    for (const index of other.keys()) if (!ours.has(index)) out.add(index);
    return [...out].sort((a, b) => a - b);
  }

  // The state digest that a listing of partition digests implies. A replica
  // catching up checks a listing it was sent against the certified checkpoint
  // digest with this, then each fetched blob with partitionDigest().
  static digestFromPartitions(parts: PartitionDigest[], options: FileTreeOptions): Uint8Array {
    const limits = resolveLimits(options.limits);
    const inodeParts = parts.filter((p) => p.index !== CLIENT_PARTITION);
    const root = HashTree.rootFromLevel(options.hash, inodeTreeDepth(limits), PARTITION_LEVEL, inodeParts);
    return stateDigest(options.hash, root, parts.find((p) => p.index === CLIENT_PARTITION)?.digest ?? EMPTY_ROOT);
  }

  // The digest of an exported partition blob (what partitions() lists for it
  // on the source), computed without touching this tree. Throws if malformed.
  partitionDigest(index: number, bytes: Uint8Array): Uint8Array {
    const scratch = new FileTree(this.options, true);
    scratch.loadPartition(index, bytes);
    if (index === CLIENT_PARTITION) return scratch.clients.root();
    scratch.digest();
    return scratch.store.inodeTree.node(PARTITION_LEVEL, index) ?? new Uint8Array(32);
  }

  exportPartition(index: number): Uint8Array {
    const w = new ByteWriter().raw(new TextEncoder().encode(PARTITION_MAGIC)).u32(FORMAT_VERSION).u32(this.limits.blockBytes).u53(index);
    if (index === CLIENT_PARTITION) { this.clients.encode(w); return seal(this.options.hash, w); }
    const nodes = this.partitionInodes(index);
    w.u53(nodes.length);
    for (const node of nodes) writeRecord(w, node);
    return seal(this.options.hash, w);
  }

  // Replaces every inode of partition `index` with the exported content. After
  // importing all partitions that diffPartitions named, digest() equals the
  // source's; the caller compares it with the certified checkpoint digest.
  // With `expected` (the partition's digest from a listing checked by
  // digestFromPartitions), a blob with other content is refused. Either way a
  // malformed or refused blob throws and leaves the tree unchanged.
  importPartition(index: number, bytes: Uint8Array, expected?: Uint8Array): void {
    if (this.store.tentative) throw new Error('fs: importPartition during tentative execution');
    const digest = this.partitionDigest(index, bytes);
    if (expected && !bytesEqual(digest, expected)) throw new Error(`fs partition ${index}: content does not match the expected digest`);
    this.loadPartition(index, bytes);
  }

  // ── chunked state transfer (partition-chunks.ts) ─────────────────────────

  // Partition `index` from `cursor` (undefined: the start) on, at most
  // `bytesMax` bytes per chunk (at least one unit): a partition of any size
  // moves in bounded messages. Throws on a malformed cursor.
  exportPartitionChunk(index: number, cursor: Uint8Array | undefined, bytesMax: number): PartitionChunk {
    return exportChunk(this.side(), index, cursor, bytesMax);
  }

  // Partition `index` cut into segments whose keys change only with their
  // content (partition-segments.ts: big files in runs of SEGMENT_BLOCKS
  // blocks): what a store that rewrites only what changed keeps apart.
  partitionSegments(index: number): PartitionSegment[] {
    this.digest();
    return partitionSegments(this.side(), index);
  }

  // Like exportPartitionChunk, within one segment of partitionSegments(index).
  // A partition's segments' chunks, in order, import as the partition.
  exportSegmentChunk(index: number, segment: PartitionSegment, cursor: Uint8Array | undefined, bytesMax: number): PartitionChunk {
    return exportSegmentChunk(this.side(), index, segment, cursor, bytesMax);
  }

  // What exporting `segments` of partition `index` later needs, as the tree is
  // now (file blocks shared copy-on-write; a big file's runs alone): for
  // writing them out while the tree moves on.
  freezeSegments(index: number, segments: readonly PartitionSegment[]): FrozenSegments {
    if (this.store.tentative) throw new Error('fs: freezeSegments during tentative execution');
    return new FrozenSegments(this.side(), index, segments);
  }

  private side(): PartitionSide {
    return { store: this.store, clients: this.clients, limits: this.limits, hash: this.options.hash };
  }

  // Receives the chunks of partition `index` (push, in order) and installs
  // them on finish(expected), only if their digest is the expected one.
  importPartitionChunks(index: number): PartitionImport {
    return new PartitionImport(index, { limits: this.limits, hash: this.options.hash }, {
      inodes: (lo, hi, nodes) => {
        if (this.store.tentative) throw new Error('fs: importPartition during tentative execution');
        this.store.replaceRange(lo, hi, nodes);
      },
      clients: (list) => this.clients.replaceAll(list),
    });
  }

  // Makes partition `index` equal to `source`'s without copying file data:
  // the blocks are shared, and copied by whichever tree writes one first
  // (store.ts). Between our own trees only: nothing is verified.
  sharePartitionFrom(source: FileTree, index: number): void {
    if (this.store.tentative) throw new Error('fs: sharePartitionFrom during tentative execution');
    if (source.limits.blockBytes !== this.limits.blockBytes) throw new Error('fs: sharePartitionFrom between trees of different blockBytes');
    if (index === CLIENT_PARTITION) { this.clients.replaceAll(source.clients.list()); return; }
    const lo = index * PARTITION_INODES;
    this.store.replaceRange(lo, lo + PARTITION_INODES, source.partitionInodes(index).map(shareInode));
  }

  private loadPartition(index: number, bytes: Uint8Array): void {
    const what = `fs partition ${index}`;
    const r = unseal(this.options.hash, bytes, PARTITION_MAGIC, what);
    readHeader(r.u32(), r.u32(), this.limits, what);
    const found = r.u53();
    if (found !== index) throw new Error(`${what}: blob holds partition ${found}`);
    if (index === CLIENT_PARTITION) return this.loadClients(r, what);
    const lo = index * PARTITION_INODES;
    const nodes = this.decodeRecords(r, r.u53(), what, (ino) => ino >= lo && ino < lo + PARTITION_INODES);
    if (r.remaining !== 0) throw new Error(`${what}: ${r.remaining} trailing bytes`);
    this.store.replaceRange(lo, lo + PARTITION_INODES, nodes);
  }

  private loadClients(r: ReturnType<typeof unseal>, what: string): void {
    const list = ClientTable.decode(r, this.limits.clientsMax, what);
    if (r.remaining !== 0) throw new Error(`${what}: ${r.remaining} trailing bytes`);
    this.clients.replaceAll(list);
  }

  private partitionInodes(index: number): Inode[] {
    const out: Inode[] = [];
    const lo = index * PARTITION_INODES;
    for (let ino = Math.max(lo, 1); ino < lo + PARTITION_INODES; ino++) {
      const node = this.store.table.get(ino);
      if (node) out.push(node);
    }
    return out;
  }
}

function readHeader(version: number, blockBytes: number, limits: FsLimits, what: string, expected = FORMAT_VERSION): void {
  if (version !== expected && version !== FORMAT_VERSION) throw new Error(`${what}: format version ${version} is not supported (expected ${expected})`);
  if (blockBytes !== limits.blockBytes) throw new Error(`${what}: written with blockBytes ${blockBytes}, this tree uses ${limits.blockBytes}`);
}
