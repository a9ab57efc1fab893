// Operations on directory entries: create, mkdir, symlink, link, remove,
// rmdir, rename. Each checks everything first, in the order Linux does (so
// errno results match a local file system), then changes state.
import { utf8Bytes } from './bytes.js';
import { attr, check, checkName, child, depthOf, dirNode, fail, isDotName, isWithin, node, type Ctx } from './op-ctx.js';
import { killPrivs, truncateTo } from './ops-data.js';
import { PERM_BITS, S_ISGID, S_ISVTX, S_IXGRP, type DirInode, type LiveInode, type RegInode } from './inode.js';
import { W_OK, X_OK, inGroup, isRoot, mayAccess, mayHardLink, stickyBlocks } from './perm.js';
import type { NewInode } from './store.js';
import {
  EACCES, EBUSY, EEXIST, EINVAL, EISDIR, EMLINK, ENAMETOOLONG, ENOENT, ENOSPC, ENOTDIR, ENOTEMPTY, EPERM,
  type CreateArgs, type FsResult, type LinkArgs, type MkdirArgs, type RemoveArgs, type RenameArgs,
  type RmdirArgs, type SymlinkArgs,
} from './types.js';

// Resolves the parent directory and the name: X on the directory comes first,
// as in a path walk, then the name's validity.
function parentAndName(ctx: Ctx, dirFh: CreateArgs['dir'], rawName: unknown): { dir: DirInode; name: string } {
  const dir = dirNode(ctx, dirFh);
  check(mayAccess(dir, ctx.cred, X_OK), EACCES);
  return { dir, name: checkName(ctx, rawName) };
}

function mayCreateIn(ctx: Ctx, dir: DirInode): void {
  check(mayAccess(dir, ctx.cred, W_OK | X_OK), EACCES);
  check(ctx.store.liveCount < ctx.limits.inodesMax, ENOSPC);
}

// Owner and group of a new inode: the group of a setgid directory is inherited.
function newMeta(ctx: Ctx, dir: DirInode, mode: number, nlink: number): NewInode['meta'] {
  const inherit = (dir.mode & S_ISGID) !== 0;
  return {
    mode, uid: ctx.cred.uid, gid: inherit ? dir.gid : ctx.cred.gid, nlink, size: 0,
    atime: ctx.now, mtime: ctx.now, ctime: ctx.now,
  };
}

function linkInto(ctx: Ctx, dir: DirInode, name: string, n: LiveInode): void {
  ctx.store.setEntry(dir, name, n.ino);
  ctx.store.stamp(dir, { mtime: true, ctime: true }, ctx.now);
}

function created(ctx: Ctx, n: LiveInode, dir: DirInode): FsResult {
  return { errno: 0, res: 'create', create: { attr: attr(ctx, n), dirAttr: attr(ctx, dir) } };
}

export function onCreate(ctx: Ctx, args: CreateArgs): FsResult {
  const { dir, name } = parentAndName(ctx, args.dir, args.name);
  const existing = child(ctx, dir, name);
  if (existing) {
    check(!args.exclusive, EEXIST);
    check(existing.kind !== 'dir', EISDIR);
    check(existing.kind === 'reg', EEXIST);
    if (args.truncate) openTruncate(ctx, existing as RegInode);
    return created(ctx, existing, dir);
  }
  check(Number.isInteger(args.mode), EINVAL);
  mayCreateIn(ctx, dir);
  let mode = args.mode & PERM_BITS;
  // mode_strip_sgid: no setgid+g+x file in a setgid directory whose group the caller lacks.
  if ((mode & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP) && (dir.mode & S_ISGID) && !isRoot(ctx.cred) && !inGroup(ctx.cred, dir.gid)) mode &= ~S_ISGID;
  const n = ctx.store.alloc({ kind: 'reg', meta: newMeta(ctx, dir, mode, 1) });
  linkInto(ctx, dir, name, n);
  return created(ctx, n, dir);
}

// O_TRUNC: needs write permission; always stamps mtime/ctime (as Linux does).
function openTruncate(ctx: Ctx, n: RegInode): void {
  check(mayAccess(n, ctx.cred, W_OK), EACCES);
  killPrivs(ctx, n);
  truncateTo(ctx, n, 0);
  ctx.store.stamp(n, { mtime: true, ctime: true }, ctx.now);
}

export function onMkdir(ctx: Ctx, args: MkdirArgs): FsResult {
  const { dir, name } = parentAndName(ctx, args.dir, args.name);
  check(child(ctx, dir, name) === undefined, EEXIST);
  check(Number.isInteger(args.mode), EINVAL);
  mayCreateIn(ctx, dir);
  check(dir.nlink < ctx.limits.linksMax, EMLINK);
  check(depthOf(ctx, dir) + 1 <= ctx.limits.pathDepthMax, ENAMETOOLONG);
  let mode = args.mode & (0o777 | S_ISVTX);
  if (dir.mode & S_ISGID) mode |= S_ISGID;
  const n = ctx.store.alloc({ kind: 'dir', meta: newMeta(ctx, dir, mode, 2), parent: dir.ino });
  ctx.store.touch(dir);
  dir.nlink++;
  linkInto(ctx, dir, name, n);
  return created(ctx, n, dir);
}

export function onSymlink(ctx: Ctx, args: SymlinkArgs): FsResult {
  const { dir, name } = parentAndName(ctx, args.dir, args.name);
  check(typeof args.target === 'string', EINVAL);
  check(args.target.length > 0, ENOENT);
  check(!args.target.includes('\0'), EINVAL);
  check(child(ctx, dir, name) === undefined, EEXIST);
  const bytes = utf8Bytes(args.target).length;
  check(bytes <= ctx.limits.symlinkBytesMax, ENAMETOOLONG);
  mayCreateIn(ctx, dir);
  check(ctx.store.usedBytes + bytes <= ctx.limits.totalBytesMax, ENOSPC);
  const meta = { ...newMeta(ctx, dir, 0o777, 1), size: bytes };
  const n = ctx.store.alloc({ kind: 'lnk', meta, target: args.target });
  linkInto(ctx, dir, name, n);
  return created(ctx, n, dir);
}

export function onLink(ctx: Ctx, args: LinkArgs): FsResult {
  const target = node(ctx, args.fh);
  const { dir, name } = parentAndName(ctx, args.dir, args.name);
  check(child(ctx, dir, name) === undefined, EEXIST);
  check(mayHardLink(target, ctx.cred), EPERM);
  check(mayAccess(dir, ctx.cred, W_OK | X_OK), EACCES);
  check(target.kind !== 'dir', EPERM);
  check(target.nlink < ctx.limits.linksMax, EMLINK);
  ctx.store.stamp(target, { ctime: true }, ctx.now);
  target.nlink++;
  linkInto(ctx, dir, name, target);
  return created(ctx, target, dir);
}

// may_delete: write+search on the directory, the sticky bit, then the type.
function mayDelete(ctx: Ctx, dir: DirInode, victim: LiveInode, isDir: boolean): void {
  check(mayAccess(dir, ctx.cred, W_OK | X_OK), EACCES);
  check(!stickyBlocks(dir, victim, ctx.cred), EPERM);
  if (isDir) check(victim.kind === 'dir', ENOTDIR);
  else check(victim.kind !== 'dir', EISDIR);
}

// Drops one link of `n`; the last one frees it (a directory: its two links).
function unlinkNode(ctx: Ctx, n: LiveInode): void {
  ctx.store.stamp(n, { ctime: true }, ctx.now);
  n.nlink = n.kind === 'dir' ? 0 : n.nlink - 1;
  if (n.nlink === 0) ctx.store.release(n);
}

function removed(ctx: Ctx, dir: DirInode): FsResult {
  return { errno: 0, res: 'remove', remove: { dirAttr: attr(ctx, dir) } };
}

export function onRemove(ctx: Ctx, args: RemoveArgs): FsResult {
  const { dir, name } = parentAndName(ctx, args.dir, args.name);
  check(!isDotName(name), EISDIR);
  const victim = child(ctx, dir, name);
  if (!victim) fail(ENOENT);
  mayDelete(ctx, dir, victim, false);
  ctx.store.setEntry(dir, name, undefined);
  ctx.store.stamp(dir, { mtime: true, ctime: true }, ctx.now);
  unlinkNode(ctx, victim);
  return removed(ctx, dir);
}

export function onRmdir(ctx: Ctx, args: RmdirArgs): FsResult {
  const { dir, name } = parentAndName(ctx, args.dir, args.name);
  check(name !== '.', EINVAL);
  check(name !== '..', ENOTEMPTY);
  const victim = child(ctx, dir, name);
  if (!victim) fail(ENOENT);
  mayDelete(ctx, dir, victim, true);
  check((victim as DirInode).entries.size === 0, ENOTEMPTY);
  ctx.store.setEntry(dir, name, undefined);
  ctx.store.stamp(dir, { mtime: true, ctime: true }, ctx.now);
  dir.nlink--;
  unlinkNode(ctx, victim);
  return removed(ctx, dir);
}

function renamed(ctx: Ctx, from: DirInode, to: DirInode): FsResult {
  return { errno: 0, res: 'rename', rename: { fromDirAttr: attr(ctx, from), toDirAttr: attr(ctx, to) } };
}

interface RenamePlan { from: DirInode; fromName: string; to: DirInode; toName: string; source: LiveInode; target?: LiveInode }

function planRename(ctx: Ctx, args: RenameArgs): RenamePlan {
  const { dir: from, name: fromName } = parentAndName(ctx, args.fromDir, args.fromName);
  const { dir: to, name: toName } = parentAndName(ctx, args.toDir, args.toName);
  check(!isDotName(fromName) && !isDotName(toName), EBUSY);
  const source = child(ctx, from, fromName);
  if (!source) fail(ENOENT);
  const target = child(ctx, to, toName);
  // The source may not become its own ancestor; the target may not be an
  // ancestor of the source (it would be a non-empty directory).
  if (source.kind === 'dir') check(!isWithin(ctx, to, source), EINVAL);
  if (target?.kind === 'dir') check(!isWithin(ctx, from, target), ENOTEMPTY);
  return { from, fromName, to, toName, source, target };
}

function checkRename(ctx: Ctx, p: RenamePlan): void {
  const isDir = p.source.kind === 'dir';
  mayDelete(ctx, p.from, p.source, isDir);
  if (p.target) mayDelete(ctx, p.to, p.target, isDir);
  else check(mayAccess(p.to, ctx.cred, W_OK | X_OK), EACCES);
  if (!isDir || p.from === p.to) return;
  // Moving a directory rewrites its "..": needs write permission on it.
  check(mayAccess(p.source, ctx.cred, W_OK), EACCES);
  if (p.target) check((p.target as DirInode).entries.size === 0, ENOTEMPTY);
  else check(p.to.nlink < ctx.limits.linksMax, EMLINK);
  check(depthOf(ctx, p.to) + 1 + subtreeHeight(ctx, p.source as DirInode) <= ctx.limits.pathDepthMax, ENAMETOOLONG);
}

function subtreeHeight(ctx: Ctx, dir: DirInode): number {
  let height = 0;
  for (const ent of dir.entries.values()) {
    const n = ctx.store.live(ent.ino);
    if (n?.kind === 'dir') height = Math.max(height, 1 + subtreeHeight(ctx, n));
  }
  return height;
}

export function onRename(ctx: Ctx, args: RenameArgs): FsResult {
  const p = planRename(ctx, args);
  if (p.target === p.source) return renamed(ctx, p.from, p.to);
  checkRename(ctx, p);
  if (p.target?.kind === 'dir') check((p.target as DirInode).entries.size === 0, ENOTEMPTY);
  const { store, now } = ctx;
  if (p.target) {
    if (p.target.kind === 'dir') { store.touch(p.to); p.to.nlink--; }
    unlinkNode(ctx, p.target);
  }
  store.setEntry(p.from, p.fromName, undefined);
  store.setEntry(p.to, p.toName, p.source.ino);
  store.stamp(p.source, { ctime: true }, now);
  if (p.source.kind === 'dir' && p.from !== p.to) {
    p.source.parent = p.to.ino;
    store.touch(p.from);
    p.from.nlink--;
    store.touch(p.to);
    p.to.nlink++;
  }
  store.stamp(p.from, { mtime: true, ctime: true }, now);
  store.stamp(p.to, { mtime: true, ctime: true }, now);
  return renamed(ctx, p.from, p.to);
}
