// write and setattr: the operations that change a file's bytes or metadata.
import { attr, check, node, type Ctx } from './op-ctx.js';
import { PERM_BITS, S_ISGID, S_ISUID, S_IXGRP, type LiveInode, type RegInode } from './inode.js';
import { W_OK, inGroup, isOwnerOrRoot, isRoot, mayAccess } from './perm.js';
import {
  EACCES, EFBIG, EINVAL, EISDIR, ENOSPC, EPERM,
  type FsResult, type SetAttrArgs, type Timespec, type WriteArgs,
} from './types.js';

// Linux kills setuid, and setgid when group-exec is set (otherwise it marks
// mandatory locking), when a non-root caller writes or truncates a file.
export function killPrivs(ctx: Ctx, n: LiveInode): void {
  if (isRoot(ctx.cred) || n.kind !== 'reg') return;
  let mode = n.mode & ~S_ISUID;
  if (mode & S_IXGRP) mode &= ~S_ISGID;
  if (mode !== n.mode) { ctx.store.touch(n); n.mode = mode; }
}

function newBlocksFor(ctx: Ctx, n: RegInode, offset: number, end: number): number {
  const bb = ctx.limits.blockBytes;
  let fresh = 0;
  for (let index = Math.floor(offset / bb); index * bb < end; index++) if (!n.blocks.has(index)) fresh++;
  return fresh;
}

function checkSpace(ctx: Ctx, blocks: number): void {
  check(ctx.store.usedBytes + blocks * ctx.limits.blockBytes <= ctx.limits.totalBytesMax, ENOSPC);
}

function writeBytes(ctx: Ctx, n: RegInode, offset: number, data: Uint8Array): void {
  const bb = ctx.limits.blockBytes;
  for (let pos = 0; pos < data.length;) {
    const at = offset + pos;
    const index = Math.floor(at / bb);
    const within = at - index * bb;
    const take = Math.min(bb - within, data.length - pos);
    ctx.store.writableBlock(n, index).set(data.subarray(pos, pos + take), within);
    pos += take;
  }
}

export function onWrite(ctx: Ctx, args: WriteArgs): FsResult {
  const n = node(ctx, args.fh);
  check(n.kind !== 'dir', EISDIR);
  check(n.kind === 'reg', EINVAL);
  check(mayAccess(n, ctx.cred, W_OK), EACCES);
  check(args.data instanceof Uint8Array && Number.isSafeInteger(args.offset) && args.offset >= 0, EINVAL);
  check(args.data.length <= ctx.limits.ioBytesMax, EINVAL);
  const file = n as RegInode;
  if (args.data.length === 0) return { errno: 0, res: 'write', write: { count: 0, attr: attr(ctx, file) } };
  const offset = args.append ? file.size : args.offset;
  const end = offset + args.data.length;
  check(end <= ctx.limits.fileBytesMax, EFBIG);
  checkSpace(ctx, newBlocksFor(ctx, file, offset, end));
  killPrivs(ctx, file);
  writeBytes(ctx, file, offset, args.data);
  ctx.store.stamp(file, { mtime: true, ctime: true }, ctx.now);
  file.size = Math.max(file.size, end);
  return { errno: 0, res: 'write', write: { count: args.data.length, attr: attr(ctx, file) } };
}

// Sets the size: drops whole blocks past the end and zeroes the tail of the
// last partial block, so bytes past EOF are always zero (extending reads them).
export function truncateTo(ctx: Ctx, n: RegInode, size: number): void {
  const bb = ctx.limits.blockBytes;
  if (size < n.size) {
    const keep = Math.ceil(size / bb);
    for (const index of [...n.blocks.keys()].sort((a, b) => a - b)) if (index >= keep) ctx.store.setBlock(n, index, undefined);
    const tail = size % bb;
    if (tail !== 0 && n.blocks.has(keep - 1)) ctx.store.writableBlock(n, keep - 1).fill(0, tail);
  }
  ctx.store.touch(n);
  n.size = size;
}

function isTimespec(t: unknown): t is Timespec {
  if (typeof t !== 'object' || t === null) return false;
  const v = t as Record<string, unknown>;
  return Number.isSafeInteger(v.sec) && Number.isInteger(v.nsec) && (v.nsec as number) >= 0 && (v.nsec as number) < 1e9;
}

function checkSetAttr(ctx: Ctx, n: LiveInode, a: SetAttrArgs): void {
  const { cred } = ctx;
  const u32 = (v: number | undefined): boolean => v === undefined || (Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
  check(u32(a.mode) && u32(a.uid) && u32(a.gid), EINVAL);
  check((a.atime === undefined || isTimespec(a.atime)) && (a.mtime === undefined || isTimespec(a.mtime)), EINVAL);
  if (a.size !== undefined) {
    check(Number.isSafeInteger(a.size) && a.size >= 0, EINVAL);
    check(n.kind !== 'dir', EISDIR);
    check(n.kind === 'reg', EINVAL);
    check(mayAccess(n, cred, W_OK), EACCES);
    check(a.size <= ctx.limits.fileBytesMax, EFBIG);
  }
  if (a.uid !== undefined) check(isRoot(cred) || (cred.uid === n.uid && a.uid === n.uid), EPERM);
  if (a.gid !== undefined) check(isRoot(cred) || (cred.uid === n.uid && (a.gid === n.gid || inGroup(cred, a.gid))), EPERM);
  if (a.mode !== undefined) check(isOwnerOrRoot(n, cred), EPERM);
  if (a.atime !== undefined || a.mtime !== undefined) check(isOwnerOrRoot(n, cred), EPERM);
  if (a.atimeNow || a.mtimeNow) check(isOwnerOrRoot(n, cred) || mayAccess(n, cred, W_OK), EACCES);
}

function applyOwner(ctx: Ctx, n: LiveInode, a: SetAttrArgs): void {
  if (a.uid === undefined && a.gid === undefined) return;
  // chown of a non-directory kills setuid, and setgid when group-exec is set
  // or the caller is not in the file's group (even for root, as Linux does).
  if (n.kind !== 'dir') {
    let mode = n.mode & ~S_ISUID;
    if ((mode & S_IXGRP) || !(isRoot(ctx.cred) || inGroup(ctx.cred, n.gid))) mode &= ~S_ISGID;
    n.mode = mode;
  }
  if (a.uid !== undefined) n.uid = a.uid;
  if (a.gid !== undefined) n.gid = a.gid;
}

export function onSetAttr(ctx: Ctx, a: SetAttrArgs): FsResult {
  const n = node(ctx, a.fh);
  checkSetAttr(ctx, n, a);
  const any = a.size !== undefined || a.uid !== undefined || a.gid !== undefined || a.mode !== undefined
    || a.atime !== undefined || a.mtime !== undefined || a.atimeNow || a.mtimeNow;
  if (!any) return { errno: 0, res: 'attr', attr: { attr: attr(ctx, n) } };
  if (a.size !== undefined && n.kind === 'reg') {
    killPrivs(ctx, n);
    if (a.size !== n.size) { truncateTo(ctx, n, a.size); ctx.store.stamp(n, { mtime: true }, ctx.now); }
  }
  ctx.store.touch(n);
  applyOwner(ctx, n, a);
  if (a.mode !== undefined) {
    let mode = a.mode & PERM_BITS;
    if (!isRoot(ctx.cred) && !inGroup(ctx.cred, n.gid)) mode &= ~S_ISGID;
    n.mode = mode;
  }
  if (a.atime !== undefined) n.atime = { sec: a.atime.sec, nsec: a.atime.nsec };
  if (a.mtime !== undefined) n.mtime = { sec: a.mtime.sec, nsec: a.mtime.nsec };
  if (a.atimeNow) n.atime = ctx.now;
  if (a.mtimeNow) n.mtime = ctx.now;
  n.ctime = ctx.now;
  return { errno: 0, res: 'attr', attr: { attr: attr(ctx, n) } };
}
