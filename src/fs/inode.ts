// The inode table's records. Directories, regular files and symlinks are live
// inodes; a removed inode leaves a tombstone that keeps its generation, so its
// number can be reused with gen + 1 and old handles get ESTALE.
import { HashTree } from './hash-tree.js';
import type { Attr, FileType, Timespec } from './types.js';

export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;
export const S_ISVTX = 0o1000;
export const S_IXGRP = 0o010;
export const PERM_BITS = 0o7777;

export const ROOT_INO = 1;

export interface Meta {
  gen: number;
  mode: number;   // permission bits only (07777); type bits come from kind
  uid: number;
  gid: number;
  nlink: number;
  size: number;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
}

export interface RegInode extends Meta { kind: 'reg'; ino: number; blocks: Map<number, Uint8Array>; tree: HashTree }

export interface DirEnt { name: string; ino: number; key: number }

export interface DirInode extends Meta {
  kind: 'dir';
  ino: number;
  parent: number;
  entries: Map<string, DirEnt>;
  buckets: Map<number, Set<string>>; // digest bucket -> names, for the bucket leaf
  tree: HashTree;
  sorted?: DirEnt[];                 // readdir order cache; not state
}

export interface LnkInode extends Meta { kind: 'lnk'; ino: number; target: string }

export interface FreeInode { kind: 'free'; ino: number; gen: number }

export type LiveInode = RegInode | DirInode | LnkInode;
export type Inode = LiveInode | FreeInode;

export const DIR_BUCKETS = 256;
export const DIR_TREE_DEPTH = 2;

export function typeBits(node: LiveInode): number {
  return node.kind === 'reg' ? S_IFREG : node.kind === 'dir' ? S_IFDIR : S_IFLNK;
}

export function fileType(node: LiveInode): FileType {
  return node.kind === 'reg' ? 'FT_REG' : node.kind === 'dir' ? 'FT_DIR' : 'FT_LNK';
}

export function metaOf(node: Meta): Meta {
  return {
    gen: node.gen, mode: node.mode, uid: node.uid, gid: node.gid, nlink: node.nlink, size: node.size,
    atime: node.atime, mtime: node.mtime, ctime: node.ctime,
  };
}

export function attrOf(node: LiveInode, blockBytes: number): Attr {
  const blocks = node.kind === 'reg' ? node.blocks.size * (blockBytes / 512) : 0;
  return {
    fh: { ino: node.ino, gen: node.gen },
    type: fileType(node),
    mode: typeBits(node) | node.mode,
    nlink: node.nlink, uid: node.uid, gid: node.gid, size: node.size, blocks,
    atime: { ...node.atime }, mtime: { ...node.mtime }, ctime: { ...node.ctime },
  };
}

export function timespecOf(timeMs: number): Timespec {
  return { sec: Math.floor(timeMs / 1000), nsec: (timeMs % 1000) * 1_000_000 };
}
