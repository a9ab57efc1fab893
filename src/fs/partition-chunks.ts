// Chunked export and import of one state-transfer partition, so that a
// partition of any size (256 inodes of up to fileBytesMax each) moves in
// messages of a bounded size and is never one blob in memory on either side.
//
// A partition is a sequence of units in a fixed order: for each inode
// (ascending) its head (the record without blocks or entries), then its
// blocks (ascending index) or directory entries (ascending name); the
// reserved CLIENT_PARTITION is its last-reply entries (ascending client).
// A chunk is a header and consecutive units; the cursor names the position
// after the last unit sent, so the exporter can resume there without state
// and the importer can compute the same cursor from what it received (it
// never has to trust the sender's).
//
// The importer stages the units in a scratch store, refuses anything out of
// order, out of range or over the tree's limits, and installs nothing until
// finish() has checked the whole partition's digest against the expected one
// (from a listing checked against the certified state digest).
import { ByteReader, ByteWriter, bytesEqual, utf8Bytes } from './bytes.js';
import { ClientTable, type ClientReply } from './client-table.js';
import type { HashFn } from './hash-tree.js';
import type { DirInode, Inode, RegInode } from './inode.js';
import type { FsLimits } from './limits.js';
import { readRecordHead, validateName, writeRecordHead } from './records.js';
import { Store } from './store.js';

// A partition is one level-2 node of the inode digest tree: 256 consecutive
// inode numbers (partition p holds inodes p*256 .. p*256+255).
export const PARTITION_INODES = 256;
export const PARTITION_LEVEL = 2;
// The reserved partition that holds the last-reply table (beyond any inode
// partition; partition indices are u32 on the wire).
export const CLIENT_PARTITION = 0xffffffff;

const CHUNK_VERSION = 1;
const CLIENT_ID_MAX = 0xffffffff;
const UNIT_HEAD = 1;
const UNIT_BLOCK = 2;
const UNIT_ENTRY = 3;
const UNIT_CLIENT = 4;
// Upper bound of a head unit's bytes besides a symlink target (fields + tag).
const HEAD_BYTES_MAX = 128;

/** Where an export resumes: the position after the last unit sent. */
export interface Cursor {
  ino: number;     // last inode whose head was sent (0: none yet)
  block: number;   // the next block index to consider in that inode
  name: string;    // the last entry name sent of that inode ('' : none; names are never empty)
  client: number;  // the next client id to consider (CLIENT_PARTITION)
}

const START: Readonly<Cursor> = Object.freeze({ ino: 0, block: 0, name: '', client: 0 });

export function encodeCursor(c: Cursor): Uint8Array {
  return new ByteWriter().u53(c.ino).u53(c.block).str(c.name).u53(c.client).finish();
}

function decodeCursor(bytes: Uint8Array | undefined): Cursor {
  if (!bytes || bytes.length === 0) return { ...START };
  const r = new ByteReader(bytes, 'partition cursor');
  const c = { ino: r.u53(), block: r.u53(), name: r.str(), client: r.u53() };
  if (r.remaining !== 0) throw new Error('partition cursor: trailing bytes');
  return c;
}

/** One chunk of a partition export. */
export interface PartitionChunk {
  /** Header and units; at most bytesMax unless a single unit is larger. */
  bytes: Uint8Array;
  /** The partition ends with this chunk. */
  done: boolean;
  /** Where the next chunk starts (empty when done). */
  next: Uint8Array;
}

/**
 * A part of a partition's unit stream (partition-segments.ts): the heads of
 * inodes inoFrom..inoTo-1 and their blocks below blockTo (and entries).
 */
export interface ExportBounds { inoFrom: number; inoTo: number; blockTo: number }

/** What the exporter and importer need of a FileTree. */
export interface PartitionSide { store: Store; clients: ClientTable; limits: FsLimits; hash: HashFn }

function header(limits: FsLimits, index: number, initialBytes = 256): ByteWriter {
  return new ByteWriter(initialBytes).u32(CHUNK_VERSION).u32(limits.blockBytes).u53(index);
}

/**
 * The units of partition `index` from `cursorBytes` on, up to `bytesMax`
 * bytes (at least one unit, so every chunk makes progress). Throws on a
 * malformed cursor.
 */
export function exportChunk(side: PartitionSide, index: number, cursorBytes: Uint8Array | undefined, bytesMax: number, bounds?: ExportBounds): PartitionChunk {
  const at = decodeCursor(cursorBytes);
  const lo = index * PARTITION_INODES;
  const b = bounds ?? { inoFrom: lo, inoTo: lo + PARTITION_INODES, blockTo: Infinity };
  const w = header(side.limits, index, Math.min(bytesMax + side.limits.blockBytes + HEAD_BYTES_MAX, estimateBytes(side, index, at, b)));
  const headerBytes = w.length;
  // Room for one more unit of `bytes`? The first unit always fits.
  const fits = (bytes: number): boolean => w.length === headerBytes || w.length + bytes <= bytesMax;
  const done = index === CLIENT_PARTITION ? exportClients(side, at, w, fits) : exportInodes(side, index, at, w, fits, b);
  // One buffer when the estimate held: no copy (a view into it, nothing else refers to it).
  return { bytes: w.bytesView(), done, next: done ? new Uint8Array(0) : encodeCursor(at) };
}

// About the bytes a chunk from `at` on needs: the writer is allocated once
// at this size instead of growing (and copying) toward bytesMax.
function estimateBytes(side: PartitionSide, index: number, at: Cursor, b: ExportBounds): number {
  let bytes = 64;
  if (index === CLIENT_PARTITION) {
    for (const e of side.clients.list()) if (e.client >= at.client) bytes += 32 + e.result.length;
    return bytes;
  }
  const lo = index * PARTITION_INODES;
  // From the inode the cursor is in (a run of blocks starts there), else from the bounds' first.
  for (let ino = Math.max(lo, at.ino > 0 ? at.ino : b.inoFrom, 1); ino < Math.min(lo + PARTITION_INODES, b.inoTo); ino++) {
    const node = side.store.table.get(ino);
    if (!node) continue;
    bytes += HEAD_BYTES_MAX;
    const blocks = Math.min(node.kind === 'reg' ? node.blocks.size : 0, b.blockTo);
    if (node.kind === 'reg') bytes += Math.max(0, blocks - (ino === at.ino ? countBelow(node, at.block) : 0)) * (9 + side.limits.blockBytes);
    if (node.kind === 'dir') bytes += node.entries.size * 48;
    if (node.kind === 'lnk') bytes += node.target.length * 3;
  }
  return bytes;
}

// Blocks already sent of the inode a cursor is in: approximated by the index
// (exact for dense files; the estimate only sizes a buffer).
function countBelow(node: RegInode, next: number): number {
  return Math.min(node.blocks.size, next);
}

// Each export* writes units while they fit, advancing `at`; true when the
// partition is exhausted.
function exportClients(side: PartitionSide, at: Cursor, w: ByteWriter, fits: (bytes: number) => boolean): boolean {
  for (const e of side.clients.list()) {
    if (e.client < at.client) continue;
    if (!fits(1 + 8 + 8 + 4 + e.result.length)) return false;
    w.u8(UNIT_CLIENT).u53(e.client).u53(e.timestamp).bytes(e.result);
    at.client = e.client + 1;
  }
  return true;
}

function exportInodes(side: PartitionSide, index: number, at: Cursor, w: ByteWriter, fits: (bytes: number) => boolean, b: ExportBounds): boolean {
  const lo = index * PARTITION_INODES;
  const table = side.store.table;
  if (at.ino > 0) {
    const node = table.get(at.ino);
    if (!node || at.ino < lo || at.ino >= lo + PARTITION_INODES) throw new Error(`partition cursor: inode ${at.ino} is not in partition ${index}`);
    if (!exportBody(side, node, at, w, fits, b.blockTo)) return false;
  }
  for (let ino = Math.max(lo, b.inoFrom, at.ino + 1, 1); ino < Math.min(lo + PARTITION_INODES, b.inoTo); ino++) {
    const node = table.get(ino);
    if (!node) continue;
    if (!fits(HEAD_BYTES_MAX + (node.kind === 'lnk' ? utf8Bytes(node.target).length : 0))) return false;
    w.u8(UNIT_HEAD);
    writeRecordHead(w, node);
    Object.assign(at, { ino, block: 0, name: '' });
    if (!exportBody(side, node, at, w, fits, b.blockTo)) return false;
  }
  return true;
}

function exportBody(side: PartitionSide, node: Inode, at: Cursor, w: ByteWriter, fits: (bytes: number) => boolean, blockTo: number): boolean {
  if (node.kind === 'reg') {
    const bb = side.limits.blockBytes;
    // Walk the indexes the size spans instead of sorting the block map's keys
    // on every chunk (a 1 GiB file has 262144 blocks).
    const span = Math.min(Math.ceil(node.size / bb), blockTo);
    for (let i = at.block; i < span; i++) {
      const block = node.blocks.get(i);
      if (!block) continue;
      if (!fits(1 + 8 + bb)) return false;
      w.u8(UNIT_BLOCK).u53(i).raw(block);
      at.block = i + 1;
    }
    return true;
  }
  if (node.kind === 'dir') {
    const names = [...node.entries.keys()].sort();
    for (let k = firstAfter(names, at.name); k < names.length; k++) {
      // At most 3 UTF-8 bytes per UTF-16 unit: an upper bound without encoding twice.
      if (!fits(1 + 4 + names[k].length * 3 + 8)) return false;
      w.u8(UNIT_ENTRY).str(names[k]).u53(node.entries.get(names[k])?.ino ?? 0);
      at.name = names[k];
    }
  }
  return true;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function decodeName(bytes: Uint8Array, what: string): string {
  try {
    return utf8Strict.decode(bytes);
  } catch (err) {
    throw new Error(`${what}: a directory entry name is not valid UTF-8`, { cause: err });
  }
}

/** Index of the first name greater than `after` in sorted `names`. */
function firstAfter(names: string[], after: string): number {
  if (after === '') return 0;
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (names[mid] <= after) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * Stages the chunks of one partition and installs it once its digest is
 * verified. `install` replaces the partition's inodes (or the last-reply
 * table) in the target tree.
 */
export class PartitionImport {
  private readonly scratch: Store;
  private readonly at: Cursor = { ...START };
  private readonly nodes: Inode[] = [];
  private readonly replies: ClientReply[] = [];
  private current: Inode | undefined;
  /** Blocks or entries the current inode's head announced, and how many came. */
  private announced = 0;
  private received = 0;
  /** Bytes of blocks and symlink targets staged: an honest partition fits the tree's totalBytesMax. */
  private dataBytes = 0;
  private finished = false;
  /** Blocks of the chunk being pushed, held as views into it. */
  private viewed: [RegInode, number][] = [];
  /** Chunk bytes pushed so far. */
  bytes = 0;
  /** Units staged so far. */
  units = 0;

  constructor(
    readonly index: number,
    private readonly side: Omit<PartitionSide, 'store' | 'clients'>,
    private readonly install: { inodes(lo: number, hi: number, nodes: Inode[]): void; clients(list: ClientReply[]): void },
  ) {
    this.scratch = new Store(side.limits, side.hash);
  }

  private get what(): string { return `fs partition ${this.index} chunk`; }

  /** The position after everything received: where the next chunk must start. */
  cursor(): Uint8Array { return encodeCursor(this.at); }

  /**
   * Stages one chunk; throws (staging only: the tree is untouched) on anything
   * malformed or out of order. Takes `bytes` over: file blocks stay views into
   * it (no copy per block) unless blocks are less than half of it, so a chunk
   * kept alive by a few blocks wastes at most as much as they hold.
   */
  push(bytes: Uint8Array): void {
    if (this.finished) throw new Error(`${this.what}: partition already finished`);
    const r = new ByteReader(bytes, this.what);
    const version = r.u32();
    if (version !== CHUNK_VERSION) throw new Error(`${this.what}: format version ${version} is not supported (expected ${CHUNK_VERSION})`);
    const blockBytes = r.u32();
    if (blockBytes !== this.side.limits.blockBytes) throw new Error(`${this.what}: written with blockBytes ${blockBytes}, this tree uses ${this.side.limits.blockBytes}`);
    const found = r.u53();
    if (found !== this.index) throw new Error(`${this.what}: chunk of partition ${found}`);
    while (r.remaining > 0) {
      const tag = r.u8();
      if (tag === UNIT_HEAD) this.onHead(r);
      else if (tag === UNIT_BLOCK) this.onBlock(r);
      else if (tag === UNIT_ENTRY) this.onEntry(r);
      else if (tag === UNIT_CLIENT) this.onClient(r);
      else throw new Error(`${this.what}: unknown unit ${tag}`);
      this.units++;
    }
    if (this.viewed.length * this.side.limits.blockBytes * 2 < bytes.length) {
      for (const [node, i] of this.viewed) node.blocks.set(i, (node.blocks.get(i) as Uint8Array).slice());
    }
    this.viewed = [];
    this.bytes += bytes.length;
  }

  private onHead(r: ByteReader): void {
    const lo = this.index * PARTITION_INODES;
    this.completeCurrent();
    const { node, count } = readRecordHead(r, this.scratch, this.what);
    if (this.index === CLIENT_PARTITION || node.ino <= this.at.ino || node.ino < lo || node.ino >= lo + PARTITION_INODES) {
      throw new Error(`${this.what}: inode ${node.ino} out of order or outside the partition`);
    }
    if (node.ino > this.side.limits.inodesMax + 1) throw new Error(`${this.what}: inode ${node.ino} beyond inodesMax`);
    if (node.kind === 'lnk') this.charge(utf8Bytes(node.target).length);
    this.nodes.push(node);
    this.scratch.table.set(node.ino, node);
    this.scratch.inodeTree.markDirty(node.ino);
    Object.assign(this.at, { ino: node.ino, block: 0, name: '' });
    this.current = node;
    this.announced = count;
    this.received = 0;
  }

  private onBlock(r: ByteReader): void {
    const node = this.current;
    if (node?.kind !== 'reg') throw new Error(`${this.what}: a block outside a regular file`);
    const bb = this.side.limits.blockBytes;
    const i = r.u53();
    if (i < this.at.block || i * bb >= node.size || this.received >= this.announced) {
      throw new Error(`${this.what}: inode ${node.ino} has block ${i} out of order, past its size or beyond its count`);
    }
    this.charge(bb);
    (node as RegInode).blocks.set(i, r.rawView(bb));
    this.viewed.push([node as RegInode, i]);
    node.tree.markDirty(i);
    this.at.block = i + 1;
    this.received++;
  }

  private onEntry(r: ByteReader): void {
    const node = this.current;
    if (node?.kind !== 'dir') throw new Error(`${this.what}: an entry outside a directory`);
    const nameBytes = r.rawView(r.u32());
    const name = decodeName(nameBytes, this.what);
    const ino = r.u53();
    validateName(name, this.side.limits, this.what);
    if (name <= this.at.name || this.received >= this.announced) throw new Error(`${this.what}: directory ${node.ino} has entry ${JSON.stringify(name.slice(0, 80))} out of order or beyond its count`);
    this.scratch.putEntry(node as DirInode, name, { name, ino, key: this.scratch.nameKeyOf(nameBytes) });
    this.at.name = name;
    this.received++;
  }

  private onClient(r: ByteReader): void {
    const client = r.u53();
    const timestamp = r.u53();
    const result = r.bytes();
    if (this.index !== CLIENT_PARTITION || client < this.at.client || client > CLIENT_ID_MAX) throw new Error(`${this.what}: client ${client} out of order or out of range`);
    if (this.replies.length >= this.side.limits.clientsMax) throw new Error(`${this.what}: more than clientsMax ${this.side.limits.clientsMax} client replies`);
    this.replies.push({ client, timestamp, result });
    this.at.client = client + 1;
  }

  private charge(bytes: number): void {
    this.dataBytes += bytes;
    if (this.dataBytes > this.side.limits.totalBytesMax) throw new Error(`${this.what}: more data than totalBytesMax ${this.side.limits.totalBytesMax}`);
  }

  private completeCurrent(): void {
    if (this.current && this.received !== this.announced) {
      throw new Error(`${this.what}: inode ${this.current.ino} announced ${this.announced} blocks or entries, ${this.received} came`);
    }
  }

  /** The digest of what was staged (what partitions() would list for it). */
  digest(): Uint8Array {
    this.completeCurrent();
    if (this.index === CLIENT_PARTITION) {
      const table = new ClientTable(this.side.hash, this.side.limits.clientsMax);
      table.replaceAll(this.replies);
      return table.root();
    }
    this.scratch.digest();
    return this.scratch.inodeTree.node(PARTITION_LEVEL, this.index) ?? new Uint8Array(32);
  }

  /**
   * The partition is complete: check its digest against `expected` (when
   * given; a copy between our own trees may skip it) and install it. Throws,
   * installing nothing, on a mismatch.
   */
  finish(expected?: Uint8Array): void {
    if (this.finished) throw new Error(`${this.what}: partition already finished`);
    const digest = expected ? this.digest() : undefined;
    this.completeCurrent();
    if (expected && digest && !bytesEqual(digest, expected)) throw new Error(`fs partition ${this.index}: content does not match the expected digest`);
    this.finished = true;
    if (this.index === CLIENT_PARTITION) { this.install.clients(this.replies); return; }
    const lo = this.index * PARTITION_INODES;
    this.install.inodes(lo, lo + PARTITION_INODES, this.nodes);
  }
}
