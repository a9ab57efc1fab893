// Binary encoding of inode records, shared by snapshots and state-transfer
// partitions. Records are written in ascending inode order, directory entries
// by name and blocks by index, so equal trees give equal bytes.
import { ByteReader, ByteWriter, bytesEqual, utf8Bytes } from './bytes.js';
import type { HashFn } from './hash-tree.js';
import { PERM_BITS, type Inode, type LiveInode, type Meta } from './inode.js';
import type { FsLimits } from './limits.js';
import type { NewInode, Store } from './store.js';

const KINDS = ['free', 'reg', 'dir', 'lnk'] as const;

// The record without its bulk: everything up to and including the count of
// blocks (regular files) or entries (directories). A chunked partition export
// sends this head, then the blocks or entries in pieces (partition-chunks.ts).
export function writeRecordHead(w: ByteWriter, node: Inode): void {
  w.u53(node.ino).u32(node.gen).u8(KINDS.indexOf(node.kind));
  if (node.kind === 'free') return;
  w.u32(node.mode).u32(node.uid).u32(node.gid).u32(node.nlink).u53(node.size);
  for (const t of [node.atime, node.mtime, node.ctime]) w.i53(t.sec).u32(t.nsec);
  if (node.kind === 'lnk') w.str(node.target);
  if (node.kind === 'reg') w.u32(node.blocks.size);
  if (node.kind === 'dir') w.u53(node.parent).u32(node.entries.size);
}

export function writeRecord(w: ByteWriter, node: Inode): void {
  writeRecordHead(w, node);
  if (node.kind === 'reg') {
    const indexes = [...node.blocks.keys()].sort((a, b) => a - b);
    for (const index of indexes) w.u53(index).raw(node.blocks.get(index) as Uint8Array);
  }
  if (node.kind === 'dir') {
    for (const name of [...node.entries.keys()].sort()) w.str(name).u53(node.entries.get(name)?.ino ?? 0);
  }
}

export interface DecodedDir { node: LiveInode; names: { name: string; ino: number }[] }

// Reads one record and builds its inode (directory entries are returned
// separately: they are linked once every record is known).
export function readRecord(r: ByteReader, store: Store, what: string): { node: Inode; names?: DecodedDir['names'] } {
  const { node, count } = readRecordHead(r, store, what);
  if (node.kind === 'reg') {
    readBlocks(r, store, node, count, what);
    return { node };
  }
  if (node.kind !== 'dir') return { node };
  const names: DecodedDir['names'] = [];
  for (let i = 0; i < count; i++) names.push({ name: r.str(), ino: r.u53() });
  return { node, names };
}

// Reads what writeRecordHead wrote; `count` is the number of blocks or
// entries that follow (0 for other kinds).
export function readRecordHead(r: ByteReader, store: Store, what: string): { node: Inode; count: number } {
  const ino = r.u53();
  const gen = r.u32();
  const kind = KINDS[r.u8()];
  if (!kind) throw new Error(`${what}: inode ${ino} has an unknown kind`);
  if (ino < 1) throw new Error(`${what}: inode number ${ino} is invalid`);
  if (kind === 'free') return { node: { kind, ino, gen }, count: 0 };
  const meta: Meta = {
    gen, mode: r.u32(), uid: r.u32(), gid: r.u32(), nlink: r.u32(), size: r.u53(),
    atime: { sec: r.i53(), nsec: r.u32() }, mtime: { sec: r.i53(), nsec: r.u32() }, ctime: { sec: r.i53(), nsec: r.u32() },
  };
  if (meta.mode & ~PERM_BITS) throw new Error(`${what}: inode ${ino} has invalid mode ${meta.mode.toString(8)}`);
  if (kind === 'lnk') return { node: store.build(ino, meta, { kind, meta, target: r.str() }), count: 0 };
  if (kind === 'reg') {
    const node = store.build(ino, meta, { kind: 'reg', meta });
    const count = r.u32();
    // More blocks than the size spans cannot be honest: refuse before reading them.
    if (count > Math.ceil(meta.size / store.limits.blockBytes)) throw new Error(`${what}: inode ${ino} claims ${count} blocks for ${meta.size} bytes`);
    return { node, count };
  }
  const parent = r.u53();
  return { node: store.build(ino, meta, { kind: 'dir', meta, parent } satisfies NewInode), count: r.u32() };
}

function readBlocks(r: ByteReader, store: Store, node: LiveInode, count: number, what: string): void {
  if (node.kind !== 'reg') throw new Error(`${what}: internal kind mismatch`);
  const bb = store.limits.blockBytes;
  let last = -1;
  for (let i = 0; i < count; i++) {
    const index = r.u53();
    if (index <= last || index * bb >= node.size) throw new Error(`${what}: inode ${node.ino} has block ${index} out of order or past its size`);
    last = index;
    node.blocks.set(index, r.raw(bb));
    node.tree.markDirty(index);
  }
}

export function validateName(name: string, limits: FsLimits, what: string): void {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short names need no encoding.
  const bad = name.length === 0 || name === '.' || name === '..' || name.includes('/') || name.includes('\0')
    || (name.length * 3 > limits.nameBytesMax && utf8Bytes(name).length > limits.nameBytesMax);
  if (bad) throw new Error(`${what}: invalid directory entry name ${JSON.stringify(name.slice(0, 80))}`);
}

// Framing: magic, version, payload, then a checksum (hash of all before it).
export function seal(hash: HashFn, w: ByteWriter): Uint8Array {
  const bodyBytes = w.length;
  const out = w.finish(32);
  out.set(hash(out.subarray(0, bodyBytes)), bodyBytes);
  return out;
}

export function unseal(hash: HashFn, bytes: Uint8Array, magic: string, what: string): ByteReader {
  if (!(bytes instanceof Uint8Array) || bytes.length < magic.length + 8 + 32) throw new Error(`${what}: too short to be a ${magic} blob`);
  const sumLength = hash(new Uint8Array(0)).length;
  const body = bytes.subarray(0, bytes.length - sumLength);
  if (!bytesEqual(hash(body), bytes.subarray(bytes.length - sumLength))) throw new Error(`${what}: checksum mismatch (corrupt or truncated)`);
  const r = new ByteReader(body, what);
  const found = new TextDecoder().decode(r.raw(magic.length));
  if (found !== magic) throw new Error(`${what}: bad magic ${JSON.stringify(found)}, expected ${magic}`);
  return r;
}
