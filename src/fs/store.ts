// The inode table with its bookkeeping: allocation, space accounting, the undo
// journal for tentative execution and the dirty marks of the digest trees.
// Every state change goes through the mutators here, so the journal and the
// incremental digest can never miss one.
import { ByteWriter, bytesEqual, utf8Bytes } from './bytes.js';
import { EMPTY_ROOT, HashTree, depthFor, type HashFn } from './hash-tree.js';
import {
  DIR_BUCKETS, DIR_TREE_DEPTH, metaOf,
  type DirEnt, type DirInode, type Inode, type LiveInode, type Meta, type RegInode,
} from './inode.js';
import type { FsLimits } from './limits.js';
import { MinHeap } from './min-heap.js';
import type { Timespec } from './types.js';

interface SavedMeta { ref: Inode; meta?: Meta; parent?: number }

interface Journal {
  usedBytes: number;
  liveCount: number;
  maxIno: number;
  metas: Map<number, SavedMeta | null>;
  blocks: Map<RegInode, Map<number, Uint8Array | undefined>>;
  entries: Map<DirInode, Map<string, DirEnt | undefined>>;
}

export type NewInode =
  | { kind: 'reg'; meta: Omit<Meta, 'gen'> }
  | { kind: 'dir'; meta: Omit<Meta, 'gen'>; parent: number }
  | { kind: 'lnk'; meta: Omit<Meta, 'gen'>; target: string };

const KIND_CODES = { reg: 1, dir: 2, lnk: 3 } as const;

// File blocks that more than one tree refers to (a partition shared between a
// replica's live and checkpoint trees after a state transfer, instead of a
// copy of every byte): never modified in place; writableBlock copies them.
const sharedBlocks = new WeakSet<Uint8Array>();

// A copy of `node` for another tree: metadata, entries and digest trees are
// copied, file blocks are shared (and marked so).
export function shareInode(node: Inode): Inode {
  if (node.kind === 'free') return { kind: 'free', ino: node.ino, gen: node.gen };
  const meta = metaOf(node);
  if (node.kind === 'lnk') return { ...meta, kind: 'lnk', ino: node.ino, target: node.target };
  if (node.kind === 'reg') {
    for (const block of node.blocks.values()) sharedBlocks.add(block);
    return { ...meta, kind: 'reg', ino: node.ino, blocks: new Map(node.blocks), tree: node.tree.clone() };
  }
  const buckets = new Map<number, Set<string>>();
  for (const [bucket, names] of node.buckets) buckets.set(bucket, new Set(names));
  return { ...meta, kind: 'dir', ino: node.ino, parent: node.parent, entries: new Map(node.entries), buckets, tree: node.tree.clone() };
}

// A copy of `node` holding only what exporting it needs (partition-chunks.ts:
// metadata, file blocks shared, directory entries), for writing it out later
// while the tree moves on. Cheaper than shareInode: no digest trees, no
// directory buckets; never part of a tree that computes digests.
export function freezeInode(node: Inode): Inode {
  if (node.kind === 'free') return { kind: 'free', ino: node.ino, gen: node.gen };
  const meta = metaOf(node);
  if (node.kind === 'lnk') return { ...meta, kind: 'lnk', ino: node.ino, target: node.target };
  if (node.kind === 'reg') {
    for (const block of node.blocks.values()) sharedBlocks.add(block);
    return { ...meta, kind: 'reg', ino: node.ino, blocks: new Map(node.blocks), tree: FROZEN_TREE };
  }
  return { ...meta, kind: 'dir', ino: node.ino, parent: node.parent, entries: new Map(node.entries), buckets: new Map(), tree: FROZEN_TREE };
}

// The digest tree of frozen inodes: never used (nothing digests a frozen copy).
const FROZEN_TREE = new HashTree(1);

// Blocks from..to-1 of regular file `node`, shared (as in shareInode), added
// to `into` (default: a new copy of `node` with no blocks and no digest tree):
// what exporting those blocks needs, without copying the whole block map.
export function shareBlocks(node: RegInode, from: number, to: number, into?: RegInode): RegInode {
  const copy = into ?? { ...metaOf(node), kind: 'reg', ino: node.ino, blocks: new Map(), tree: FROZEN_TREE };
  for (let i = from; i < to; i++) {
    const block = node.blocks.get(i);
    if (!block) continue;
    sharedBlocks.add(block);
    copy.blocks.set(i, block);
  }
  return copy;
}

// With an empty client table the digest is what it was before the table
// existed (EMPTY_ROOT: no clients), so older digests stay valid.
export function stateDigest(hash: HashFn, inodesRoot: Uint8Array, clientsRoot: Uint8Array = EMPTY_ROOT): Uint8Array {
  const w = new ByteWriter().str('bfs-fs-state-v1').raw(inodesRoot);
  if (!bytesEqual(clientsRoot, EMPTY_ROOT)) w.str('clients').raw(clientsRoot);
  return hash(w.finish());
}

export function inodeTreeDepth(limits: FsLimits): number {
  return depthFor(limits.inodesMax + 2);
}

export class Store {
  readonly table = new Map<number, Inode>();
  usedBytes = 0;
  liveCount = 0;
  maxIno = 0;
  readonly inodeTree: HashTree;
  private free = new MinHeap();
  private freeStale = false; // rebuilt on the next allocation (after partition imports)
  // Reused writers for digest input (hashed at once, never kept).
  private readonly scratch = new ByteWriter();
  private readonly bucketScratch = new ByteWriter();
  private journal: Journal | undefined;

  constructor(readonly limits: FsLimits, readonly hash: HashFn) {
    this.inodeTree = new HashTree(inodeTreeDepth(limits));
  }

  // ── lookups ──────────────────────────────────────────────────────────────

  live(ino: number): LiveInode | undefined {
    const node = this.table.get(ino);
    return node && node.kind !== 'free' ? node : undefined;
  }

  nameKey(name: string): number {
    return this.nameKeyOf(utf8Bytes(name));
  }

  // The same from the name's UTF-8 bytes (when a decoder already has them).
  nameKeyOf(nameBytes: Uint8Array): number {
    const h = this.hash(nameBytes);
    return h[0] * 2 ** 40 + h[1] * 2 ** 32 + ((h[2] << 24) >>> 0) + (h[3] << 16) + (h[4] << 8) + h[5];
  }

  // ── inode lifecycle ──────────────────────────────────────────────────────

  alloc(spec: NewInode): LiveInode {
    if (this.freeStale) this.rebuildFree();
    const ino = this.free.pop() ?? this.maxIno + 1;
    const prev = this.table.get(ino);
    this.saveMeta(ino, prev);
    const meta: Meta = { ...spec.meta, gen: prev ? prev.gen + 1 : 1 };
    const node = this.build(ino, meta, spec);
    this.table.set(ino, node);
    this.maxIno = Math.max(this.maxIno, ino);
    this.liveCount++;
    if (node.kind === 'lnk') this.usedBytes += utf8Bytes(node.target).length;
    this.inodeTree.markDirty(ino);
    return node;
  }

  build(ino: number, meta: Meta, spec: NewInode): LiveInode {
    if (spec.kind === 'reg') return { ...meta, kind: 'reg', ino, blocks: new Map(), tree: new HashTree(1) };
    if (spec.kind === 'lnk') return { ...meta, kind: 'lnk', ino, target: spec.target };
    return {
      ...meta, kind: 'dir', ino, parent: spec.parent,
      entries: new Map(), buckets: new Map(), tree: new HashTree(DIR_TREE_DEPTH),
    };
  }

  // The inode's last link is gone: it becomes a tombstone keeping its gen.
  release(node: LiveInode): void {
    this.saveMeta(node.ino, node);
    if (node.kind === 'reg') this.usedBytes -= node.blocks.size * this.limits.blockBytes;
    if (node.kind === 'lnk') this.usedBytes -= utf8Bytes(node.target).length;
    this.table.set(node.ino, { kind: 'free', ino: node.ino, gen: node.gen });
    this.liveCount--;
    this.free.push(node.ino);
    this.inodeTree.markDirty(node.ino);
  }

  // Call before changing any metadata field of a live inode.
  touch(node: LiveInode): void {
    this.saveMeta(node.ino, node);
    this.inodeTree.markDirty(node.ino);
  }

  stamp(node: LiveInode, fields: { mtime?: boolean; ctime?: boolean }, time: Timespec): void {
    this.touch(node);
    if (fields.mtime) node.mtime = time;
    if (fields.ctime) node.ctime = time;
  }

  // ── file blocks ──────────────────────────────────────────────────────────

  // A block that may be modified in place: a private copy while the journal
  // still needs the original.
  writableBlock(node: RegInode, index: number): Uint8Array {
    const current = node.blocks.get(index);
    const saved = this.journal?.blocks.get(node);
    if (current && !sharedBlocks.has(current) && (!this.journal || saved?.has(index))) {
      this.markBlock(node, index);
      return current;
    }
    const block = new Uint8Array(this.limits.blockBytes);
    if (current) block.set(current);
    this.setBlock(node, index, block);
    return block;
  }

  setBlock(node: RegInode, index: number, block: Uint8Array | undefined): void {
    if (this.journal) {
      let saved = this.journal.blocks.get(node);
      if (!saved) this.journal.blocks.set(node, (saved = new Map()));
      if (!saved.has(index)) saved.set(index, node.blocks.get(index));
    }
    const had = node.blocks.has(index);
    if (block) node.blocks.set(index, block); else node.blocks.delete(index);
    this.usedBytes += ((block ? 1 : 0) - (had ? 1 : 0)) * this.limits.blockBytes;
    this.markBlock(node, index);
  }

  private markBlock(node: RegInode, index: number): void {
    node.tree.markDirty(index);
    this.inodeTree.markDirty(node.ino);
  }

  // ── directory entries ────────────────────────────────────────────────────

  setEntry(dir: DirInode, name: string, ino: number | undefined): void {
    const old = dir.entries.get(name);
    if (this.journal) {
      let saved = this.journal.entries.get(dir);
      if (!saved) this.journal.entries.set(dir, (saved = new Map()));
      if (!saved.has(name)) saved.set(name, old);
    }
    const ent = ino === undefined ? undefined : { name, ino, key: old?.key ?? this.nameKey(name) };
    this.putEntry(dir, name, ent);
    this.inodeTree.markDirty(dir.ino);
  }

  putEntry(dir: DirInode, name: string, ent: DirEnt | undefined): void {
    const key = ent?.key ?? dir.entries.get(name)?.key;
    if (key === undefined) return;
    const bucket = key % DIR_BUCKETS;
    let names = dir.buckets.get(bucket);
    if (ent) {
      dir.entries.set(name, ent);
      if (!names) dir.buckets.set(bucket, (names = new Set()));
      names.add(name);
    } else {
      dir.entries.delete(name);
      names?.delete(name);
      if (names?.size === 0) dir.buckets.delete(bucket);
    }
    dir.sorted = undefined;
    dir.tree.markDirty(bucket);
  }

  // ── tentative execution ──────────────────────────────────────────────────

  get tentative(): boolean { return this.journal !== undefined; }

  begin(): void {
    if (this.journal) throw new Error('fs: beginTentative while a tentative batch is open');
    this.journal = {
      usedBytes: this.usedBytes, liveCount: this.liveCount, maxIno: this.maxIno,
      metas: new Map(), blocks: new Map(), entries: new Map(),
    };
  }

  commit(): void {
    if (!this.journal) throw new Error('fs: commitTentative without beginTentative');
    this.journal = undefined;
  }

  rollback(): void {
    const j = this.journal;
    if (!j) throw new Error('fs: rollbackTentative without beginTentative');
    this.journal = undefined;
    for (const [dir, saved] of j.entries) {
      for (const [name, ent] of saved) this.putEntry(dir, name, ent);
      this.inodeTree.markDirty(dir.ino);
    }
    for (const [node, saved] of j.blocks) {
      for (const [index, block] of saved) {
        if (block) node.blocks.set(index, block); else node.blocks.delete(index);
        node.tree.markDirty(index);
      }
      this.inodeTree.markDirty(node.ino);
    }
    for (const [ino, saved] of j.metas) this.restoreMeta(ino, saved);
    this.usedBytes = j.usedBytes;
    this.liveCount = j.liveCount;
    this.maxIno = j.maxIno;
    this.rebuildFree();
  }

  private saveMeta(ino: number, node: Inode | undefined): void {
    if (!this.journal || this.journal.metas.has(ino)) return;
    if (!node) { this.journal.metas.set(ino, null); return; }
    if (node.kind === 'free') { this.journal.metas.set(ino, { ref: node }); return; }
    this.journal.metas.set(ino, { ref: node, meta: metaOf(node), parent: node.kind === 'dir' ? node.parent : undefined });
  }

  private restoreMeta(ino: number, saved: SavedMeta | null): void {
    this.inodeTree.markDirty(ino);
    if (!saved) { this.table.delete(ino); return; }
    this.table.set(ino, saved.ref);
    if (saved.meta && saved.ref.kind !== 'free') Object.assign(saved.ref, saved.meta);
    if (saved.ref.kind === 'dir' && saved.parent !== undefined) saved.ref.parent = saved.parent;
  }

  // ── derived state ────────────────────────────────────────────────────────

  // Recomputes everything that is derived from the table (after restore,
  // rollback or a partition import).
  rebuildFree(): void {
    const free: number[] = [];
    for (const node of this.table.values()) if (node.kind === 'free') free.push(node.ino);
    this.free = MinHeap.from(free);
    this.freeStale = false;
  }

  // Space and count a record contributes to the totals.
  private charge(node: Inode, sign: 1 | -1): void {
    if (node.kind === 'free') return;
    this.liveCount += sign;
    if (node.kind === 'reg') this.usedBytes += sign * node.blocks.size * this.limits.blockBytes;
    if (node.kind === 'lnk') this.usedBytes += sign * utf8Bytes(node.target).length;
  }

  // Replaces the records of inode numbers lo..hi-1 (a state-transfer
  // partition) and updates the totals without a full recount.
  replaceRange(lo: number, hi: number, nodes: Inode[]): void {
    for (let ino = Math.max(lo, 1); ino < hi; ino++) {
      const old = this.table.get(ino);
      if (!old) continue;
      this.charge(old, -1);
      this.table.delete(ino);
      this.inodeTree.markDirty(ino);
    }
    for (const node of nodes) {
      this.table.set(node.ino, node);
      this.charge(node, 1);
      this.inodeTree.markDirty(node.ino);
    }
    if (this.maxIno >= lo && this.maxIno < hi) {
      this.maxIno = 0;
      for (const ino of this.table.keys()) this.maxIno = Math.max(this.maxIno, ino);
    }
    for (const node of nodes) this.maxIno = Math.max(this.maxIno, node.ino);
    this.freeStale = true;
  }

  recount(): void {
    let used = 0;
    let live = 0;
    let max = 0;
    for (const node of this.table.values()) {
      max = Math.max(max, node.ino);
      if (node.kind === 'free') continue;
      live++;
      if (node.kind === 'reg') used += node.blocks.size * this.limits.blockBytes;
      if (node.kind === 'lnk') used += utf8Bytes(node.target).length;
    }
    this.usedBytes = used;
    this.liveCount = live;
    this.maxIno = max;
    this.rebuildFree();
  }

  // ── digest ───────────────────────────────────────────────────────────────

  digest(clientsRoot: Uint8Array = EMPTY_ROOT): Uint8Array {
    return stateDigest(this.hash, this.inodeTree.root(this.hash, (ino) => this.inodeDigest(ino)), clientsRoot);
  }

  inodeDigest(ino: number): Uint8Array | undefined {
    const node = this.table.get(ino);
    if (!node) return undefined;
    if (node.kind === 'free') return this.hash(this.scratch.reset().u8(0x46).u53(ino).u32(node.gen).bytesView());
    const content = this.contentRoot(node);
    const w = this.scratch.reset();
    w.u8(0x49).u53(ino).u32(node.gen).u8(KIND_CODES[node.kind]).u32(node.mode).u32(node.uid).u32(node.gid)
      .u32(node.nlink).u53(node.size);
    for (const t of [node.atime, node.mtime, node.ctime]) w.i53(t.sec).u32(t.nsec);
    if (node.kind === 'lnk') w.str(node.target);
    if (node.kind === 'dir') w.u53(node.parent);
    return this.hash(w.raw(content).bytesView());
  }

  private contentRoot(node: LiveInode): Uint8Array {
    if (node.kind === 'dir') return node.tree.root(this.hash, (b) => this.bucketDigest(node, b));
    if (node.kind === 'lnk') return EMPTY_ROOT;
    // The block tree is as deep as the file's size needs: small files hash few nodes.
    node.tree.resize(depthFor(Math.max(1, Math.ceil(node.size / this.limits.blockBytes))));
    return node.tree.root(this.hash, (i) => this.blockDigest(node, i));
  }

  private blockDigest(node: RegInode, index: number): Uint8Array | undefined {
    const block = node.blocks.get(index);
    return block ? this.hash(block) : undefined;
  }

  private bucketDigest(dir: DirInode, bucket: number): Uint8Array | undefined {
    const names = dir.buckets.get(bucket);
    if (!names || names.size === 0) return undefined;
    const w = this.bucketScratch.reset().u8(0x44);
    for (const name of [...names].sort()) w.str(name).u53((dir.entries.get(name) as DirEnt).ino);
    return this.hash(w.bytesView());
  }
}
