// Conversions between the file service's Attr/StatFsRes and fuse-native's
// stat and statfs shapes.
import type { Attr, FileType, StatFsRes, Timespec } from '../src/fs/types.js';
import type { FuseStat, FuseStatfs } from './fuse-types.js';

const S_IFMT = 0o170000;
const TYPE_BITS: Record<FileType, number> = { FT_REG: 0o100000, FT_DIR: 0o040000, FT_LNK: 0o120000, FT_UNKNOWN: 0o100000 };

/** Preferred I/O size reported to programs (cp and friends size their buffers by it); matches max_write. */
export const BLKSIZE_BYTES = 128 * 1024;

export function timespecMs(ts: Timespec): number {
  return ts.sec * 1000 + Math.floor(ts.nsec / 1e6);
}

export function msTimespec(ms: number): Timespec {
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: (ms - sec * 1000) * 1e6 };
}

export function attrToStat(attr: Attr): FuseStat {
  // st_mode must carry the type bits; add them if the tree keeps only permissions.
  const mode = (attr.mode & S_IFMT) !== 0 ? attr.mode : attr.mode | TYPE_BITS[attr.type];
  return {
    mode, uid: attr.uid, gid: attr.gid, size: attr.size, nlink: attr.nlink, ino: attr.fh.ino,
    blksize: BLKSIZE_BYTES, blocks: attr.blocks,
    atime: timespecMs(attr.atime), mtime: timespecMs(attr.mtime), ctime: timespecMs(attr.ctime),
    dev: 0, rdev: 0,
  };
}

export function statfsToFuse(s: StatFsRes): FuseStatfs {
  // fuse-native passes 32-bit fields: clamp rather than wrap around.
  const u32 = (n: number): number => Math.min(n, 0xffffffff);
  return {
    bsize: u32(s.bsize), frsize: u32(s.bsize), blocks: u32(s.blocks), bfree: u32(s.bfree), bavail: u32(s.bavail),
    files: u32(s.files), ffree: u32(s.ffree), favail: u32(s.ffree), fsid: 0, flag: 0, namemax: s.namemax,
  };
}
