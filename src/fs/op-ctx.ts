// What every operation needs: the store, the caller, the agreed time, and
// helpers that resolve handles and names or fail with an errno.
import { utf8Bytes } from './bytes.js';
import { attrOf, ROOT_INO, type DirInode, type LiveInode } from './inode.js';
import type { FsLimits } from './limits.js';
import type { Store } from './store.js';
import { EINVAL, ENAMETOOLONG, ENOENT, ENOTDIR, ESTALE, type Attr, type Credentials, type Handle, type Timespec } from './types.js';

// Thrown by an op before it changes anything; the dispatcher turns it into
// { errno }. Only this is caught: any other exception is our own bug.
export class FsFail {
  constructor(readonly errno: number) {}
}

export function fail(errno: number): never {
  throw new FsFail(errno);
}

export function check(ok: boolean, errno: number): void {
  if (!ok) throw new FsFail(errno);
}

export interface Ctx {
  store: Store;
  limits: FsLimits;
  cred: Credentials;
  now: Timespec;
}

export function isHandle(fh: unknown): fh is Handle {
  if (typeof fh !== 'object' || fh === null) return false;
  const h = fh as Record<string, unknown>;
  return Number.isSafeInteger(h.ino) && Number.isSafeInteger(h.gen);
}

export function node(ctx: Ctx, fh: Handle | null | undefined): LiveInode {
  check(isHandle(fh), EINVAL);
  const found = ctx.store.live((fh as Handle).ino);
  check(found !== undefined && found.gen === (fh as Handle).gen, ESTALE);
  return found as LiveInode;
}

export function dirNode(ctx: Ctx, fh: Handle | null | undefined): DirInode {
  const found = node(ctx, fh);
  check(found.kind === 'dir', ENOTDIR);
  return found as DirInode;
}

// A single path component: not empty, no '/' or NUL, not too long.
export function checkName(ctx: Ctx, name: unknown): string {
  check(typeof name === 'string', EINVAL);
  const text = name as string;
  check(text.length > 0, ENOENT);
  check(!text.includes('/') && !text.includes('\0'), EINVAL);
  check(utf8Bytes(text).length <= ctx.limits.nameBytesMax, ENAMETOOLONG);
  return text;
}

export function isDotName(name: string): boolean {
  return name === '.' || name === '..';
}

export function child(ctx: Ctx, dir: DirInode, name: string): LiveInode | undefined {
  if (name === '.') return dir;
  if (name === '..') return ctx.store.live(dir.parent);
  const ent = dir.entries.get(name);
  return ent ? ctx.store.live(ent.ino) : undefined;
}

export function attr(ctx: Ctx, n: LiveInode): Attr {
  return attrOf(n, ctx.limits.blockBytes);
}

// Directories between the root and `dir` (the root has depth 0).
export function depthOf(ctx: Ctx, dir: DirInode): number {
  let depth = 0;
  let cur: DirInode = dir;
  while (cur.ino !== ROOT_INO) {
    depth++;
    const up = ctx.store.live(cur.parent);
    if (!up || up.kind !== 'dir' || depth > ctx.limits.pathDepthMax + 1) break;
    cur = up;
  }
  return depth;
}

// True when `dir` is `ancestor` or lies below it.
export function isWithin(ctx: Ctx, dir: DirInode, ancestor: DirInode): boolean {
  let cur: DirInode = dir;
  for (let steps = 0; steps <= ctx.limits.pathDepthMax + 1; steps++) {
    if (cur.ino === ancestor.ino) return true;
    if (cur.ino === ROOT_INO) return false;
    const up = ctx.store.live(cur.parent);
    if (!up || up.kind !== 'dir') return false;
    cur = up;
  }
  return false;
}
