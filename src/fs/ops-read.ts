// Read-only operations. None of them changes state (reads do not update
// atime), so they run on the read-only path and through FileTree.query.
import { attr, check, checkName, child, dirNode, node, type Ctx } from './op-ctx.js';
import { fileType, type DirEnt, type DirInode, type LiveInode } from './inode.js';
import { R_OK, X_OK, mayAccess } from './perm.js';
import {
  EACCES, EINVAL, EISDIR, ENOENT,
  type AccessArgs, type DirEntry, type FsResult, type GetAttrArgs, type LookupArgs, type ReadArgs,
  type ReadDirArgs, type ReadLinkArgs,
} from './types.js';

// readdir cookies: "." is 1, ".." is 2, an entry is its 48-bit name key + 3.
// Keys come from the name's hash, so a cookie stays valid while other entries
// come and go.
export const COOKIE_DOT = 1;
export const COOKIE_DOTDOT = 2;
export const READDIR_DEFAULT_COUNT = 1024;

export function onGetAttr(ctx: Ctx, args: GetAttrArgs): FsResult {
  return { errno: 0, res: 'attr', attr: { attr: attr(ctx, node(ctx, args.fh)) } };
}

export function onLookup(ctx: Ctx, args: LookupArgs): FsResult {
  const dir = dirNode(ctx, args.dir);
  check(mayAccess(dir, ctx.cred, X_OK), EACCES);
  const found = child(ctx, dir, checkName(ctx, args.name));
  check(found !== undefined, ENOENT);
  return { errno: 0, res: 'lookup', lookup: { attr: attr(ctx, found as LiveInode) } };
}

export function onAccess(ctx: Ctx, args: AccessArgs): FsResult {
  const n = node(ctx, args.fh);
  check(Number.isInteger(args.mask) && (args.mask & ~7) === 0, EINVAL);
  check(mayAccess(n, ctx.cred, args.mask), EACCES);
  return { errno: 0, res: 'access', access: {} };
}

function sortedEntries(dir: DirInode): DirEnt[] {
  dir.sorted ??= [...dir.entries.values()].sort((a, b) => a.key - b.key || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return dir.sorted;
}

// First index in `sorted` whose cookie is above `cookie`.
function firstAfter(sorted: DirEnt[], cookie: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].key + 3 <= cookie) lo = mid + 1; else hi = mid;
  }
  return lo;
}

export function onReadDir(ctx: Ctx, args: ReadDirArgs): FsResult {
  const dir = dirNode(ctx, args.dir);
  check(mayAccess(dir, ctx.cred, R_OK), EACCES);
  check(Number.isSafeInteger(args.cookie) && args.cookie >= 0 && Number.isInteger(args.count) && args.count >= 0, EINVAL);
  const count = args.count || READDIR_DEFAULT_COUNT;
  const out: DirEntry[] = [];
  const parent = ctx.store.live(dir.parent) ?? dir;
  if (args.cookie < COOKIE_DOT) out.push({ name: '.', fh: { ino: dir.ino, gen: dir.gen }, type: 'FT_DIR', cookie: COOKIE_DOT });
  if (args.cookie < COOKIE_DOTDOT && out.length < count) {
    out.push({ name: '..', fh: { ino: parent.ino, gen: parent.gen }, type: 'FT_DIR', cookie: COOKIE_DOTDOT });
  }
  const sorted = sortedEntries(dir);
  let i = firstAfter(sorted, Math.max(args.cookie, COOKIE_DOTDOT));
  // Entries sharing a key share a cookie, so a page never splits them.
  while (i < sorted.length && (out.length < count || sorted[i].key + 3 === out[out.length - 1]?.cookie)) {
    const ent = sorted[i++];
    const n = ctx.store.live(ent.ino) as LiveInode;
    out.push({ name: ent.name, fh: { ino: n.ino, gen: n.gen }, type: fileType(n), cookie: ent.key + 3 });
  }
  return { errno: 0, res: 'readdir', readdir: { entries: out, eof: i >= sorted.length, dirAttr: attr(ctx, dir) } };
}

export function onRead(ctx: Ctx, args: ReadArgs): FsResult {
  const n = node(ctx, args.fh);
  check(n.kind !== 'dir', EISDIR);
  check(n.kind === 'reg', EINVAL);
  check(mayAccess(n, ctx.cred, R_OK), EACCES);
  check(Number.isSafeInteger(args.offset) && args.offset >= 0 && Number.isInteger(args.count) && args.count >= 0, EINVAL);
  if (n.kind !== 'reg') return { errno: EINVAL };
  const start = Math.min(args.offset, n.size);
  const end = Math.min(n.size, start + Math.min(args.count, ctx.limits.ioBytesMax));
  const data = new Uint8Array(end - start);
  const bb = ctx.limits.blockBytes;
  for (let pos = start; pos < end;) {
    const index = Math.floor(pos / bb);
    const within = pos - index * bb;
    const take = Math.min(bb - within, end - pos);
    const block = n.blocks.get(index);
    if (block) data.set(block.subarray(within, within + take), pos - start);
    pos += take;
  }
  return { errno: 0, res: 'read', read: { data, eof: end >= n.size, attr: attr(ctx, n) } };
}

export function onReadLink(ctx: Ctx, args: ReadLinkArgs): FsResult {
  const n = node(ctx, args.fh);
  check(n.kind === 'lnk', EINVAL);
  return { errno: 0, res: 'readlink', readlink: { target: n.kind === 'lnk' ? n.target : '' } };
}

export function onStatFs(ctx: Ctx): FsResult {
  const { limits, store } = ctx;
  const blocks = Math.floor(limits.totalBytesMax / limits.blockBytes);
  const bfree = Math.max(0, blocks - Math.ceil(store.usedBytes / limits.blockBytes));
  return {
    errno: 0, res: 'statfs', statfs: {
      bsize: limits.blockBytes, blocks, bfree, bavail: bfree,
      files: limits.inodesMax, ffree: Math.max(0, limits.inodesMax - store.liveCount), namemax: limits.nameBytesMax,
    },
  };
}
