// Semantics and errno of each operation, one behaviour per test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EACCES, EBUSY, EEXIST, EFBIG, EINVAL, EISDIR, EMLINK, ENAMETOOLONG, ENOENT, ENOSPC, ENOTDIR, ENOTEMPTY,
  EPERM, EROFS, ESTALE, ROOT_HANDLE, isReadOnlyOp,
} from '../../src/fs/index.js';
import type { FsRequest, Handle } from '../../src/fs/types.js';
import { ALICE, BOB, ROOT, attrOf, errnoOf, fhOf, hex, newTree, ok, req } from './helpers.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

function readAll(tree: ReturnType<typeof newTree>, fh: Handle): Uint8Array {
  const res = ok(tree, req.read(ROOT, fh, 0, 1 << 20));
  return res.res === 'read' ? res.read.data : new Uint8Array();
}

function names(tree: ReturnType<typeof newTree>, dir: Handle): string[] {
  const res = ok(tree, req.readdir(ROOT, dir));
  return res.res === 'readdir' ? res.readdir.entries.map((e) => e.name) : [];
}

// A world-writable directory for tests that act as unprivileged users.
function sharedTree(): { tree: ReturnType<typeof newTree>; pub: Handle } {
  const tree = newTree();
  const pub = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'pub', 0o777)));
  return { tree, pub };
}

test('getattr: the root has a fixed handle; bad or stale handles are rejected', () => {
  const tree = newTree();
  const a = attrOf(ok(tree, req.getattr(ROOT, ROOT_HANDLE)));
  assert.deepEqual(a.fh, ROOT_HANDLE);
  assert.equal(a.type, 'FT_DIR');
  assert.equal(a.mode, 0o40755);
  assert.equal(a.nlink, 2);
  assert.equal(errnoOf(tree, req.getattr(ROOT, { ino: 1, gen: 2 })), ESTALE);
  assert.equal(errnoOf(tree, req.getattr(ROOT, { ino: 999, gen: 1 })), ESTALE);
  assert.equal(errnoOf(tree, req.getattr(ROOT, null as unknown as Handle)), EINVAL);
});

test('malformed requests get EINVAL and never throw', () => {
  const tree = newTree();
  const bad: unknown[] = [
    null, {}, { cred: ROOT }, { cred: ROOT, op: 'nope', nope: {} }, { cred: null, op: 'statfs', statfs: {} },
    { cred: { uid: -1, gid: 0, groups: [] }, op: 'statfs', statfs: {} }, { cred: ROOT, op: 'getattr' },
    { cred: ROOT, op: 'write', write: { fh: ROOT_HANDLE, offset: -1, data: 'x', append: false } },
    { cred: ROOT, op: 'lookup', lookup: { dir: ROOT_HANDLE, name: 42 } },
    { cred: ROOT, op: 'setattr', setattr: { fh: ROOT_HANDLE, mode: 1.5 } },
    { cred: ROOT, op: 'readdir', readdir: { dir: ROOT_HANDLE, cookie: -3, count: 1 } },
  ];
  for (const r of bad) {
    const res = tree.apply(r as FsRequest, 1);
    assert.ok(res.errno === EINVAL || res.errno === EISDIR, `${JSON.stringify(r)} gave ${res.errno}`);
  }
  assert.throws(() => tree.apply(req.statfs(ROOT), -1), /agreed time/);
});

test('lookup: ".", "..", missing names, files as directories, search permission, name limits', () => {
  const tree = newTree();
  const d = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'd', 0o700)));
  const f = fhOf(ok(tree, req.create(ROOT, d, 'f')));
  assert.deepEqual(fhOf(ok(tree, req.lookup(ROOT, d, '.'))), d);
  assert.deepEqual(fhOf(ok(tree, req.lookup(ROOT, d, '..'))), ROOT_HANDLE);
  assert.deepEqual(fhOf(ok(tree, req.lookup(ROOT, ROOT_HANDLE, '..'))), ROOT_HANDLE);
  assert.equal(errnoOf(tree, req.lookup(ROOT, d, 'nope')), ENOENT);
  assert.equal(errnoOf(tree, req.lookup(ROOT, f, 'x')), ENOTDIR);
  assert.equal(errnoOf(tree, req.lookup(ALICE, d, 'f')), EACCES);
  assert.equal(errnoOf(tree, req.lookup(ROOT, d, 'x'.repeat(256))), ENAMETOOLONG);
  assert.equal(errnoOf(tree, req.lookup(ROOT, d, 'é'.repeat(128))), ENAMETOOLONG, 'the limit counts UTF-8 bytes');
  assert.equal(errnoOf(tree, req.lookup(ROOT, d, 'a/b')), EINVAL);
  assert.equal(errnoOf(tree, req.lookup(ROOT, d, '')), ENOENT);
});

test('access: per-class bits, root bypass for r/w, root needs an x bit to execute', () => {
  const { tree, pub } = sharedTree();
  const f = fhOf(ok(tree, req.create(ALICE, pub, 'f', 0o640)));
  assert.equal(errnoOf(tree, req.access(ALICE, f, 6)), 0);
  assert.equal(errnoOf(tree, req.access(ALICE, f, 1)), EACCES);
  ok(tree, req.setattr(ALICE, f, { gid: 1002 }));
  assert.equal(errnoOf(tree, req.access(BOB, f, 4)), 0, 'BOB is in group 1002');
  assert.equal(errnoOf(tree, req.access(BOB, f, 2)), EACCES);
  assert.equal(errnoOf(tree, req.access(ROOT, f, 6)), 0);
  assert.equal(errnoOf(tree, req.access(ROOT, f, 1)), EACCES);
  ok(tree, req.setattr(ALICE, f, { mode: 0o604 }));
  assert.equal(errnoOf(tree, req.access(BOB, f, 4)), EACCES, 'the group class applies even when other grants more');
  ok(tree, req.setattr(ALICE, f, { mode: 0o001 }));
  assert.equal(errnoOf(tree, req.access(ROOT, f, 1)), 0);
  assert.equal(errnoOf(tree, req.access(ROOT, pub, 1)), 0);
  assert.equal(errnoOf(tree, req.access(ROOT, f, 8)), EINVAL);
});

test('readdir: ".", "..", entries in a stable order, paging by cookie across concurrent changes', () => {
  const tree = newTree();
  const d = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'd')));
  for (let i = 0; i < 50; i++) ok(tree, req.create(ROOT, d, `f${i}`));
  const all = names(tree, d);
  assert.deepEqual(all.slice(0, 2), ['.', '..']);
  assert.equal(all.length, 52);
  const seen: string[] = [];
  let cookie = 0;
  for (let page = 0; page < 100; page++) {
    const res = ok(tree, req.readdir(ROOT, d, cookie, 7));
    if (res.res !== 'readdir') throw new Error('no readdir');
    assert.ok(res.readdir.entries.length <= 7);
    seen.push(...res.readdir.entries.map((e) => e.name));
    if (page === 2) { ok(tree, req.create(ROOT, d, 'late')); ok(tree, req.remove(ROOT, d, 'f49')); }
    if (res.readdir.eof) break;
    cookie = res.readdir.entries[res.readdir.entries.length - 1].cookie;
  }
  // Every entry that existed throughout is listed exactly once.
  for (const name of all.filter((n) => n !== 'f49')) assert.equal(seen.filter((n) => n === name).length, 1, name);
  assert.equal(errnoOf(tree, req.readdir(ALICE, fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'private', 0o700))))), EACCES);
  assert.equal(errnoOf(tree, req.readdir(ROOT, fhOf(ok(tree, req.lookup(ROOT, d, 'f1'))))), ENOTDIR);
});

test('read and write: sparse blocks, holes read as zeros, short reads at EOF, append', () => {
  const tree = newTree();
  const f = fhOf(ok(tree, req.create(ROOT, ROOT_HANDLE, 'f')));
  const w = ok(tree, req.write(ROOT, f, 1 << 20, enc('end')));
  assert.equal(attrOf(w).size, (1 << 20) + 3);
  assert.equal(attrOf(w).blocks, 8, 'one 4 KiB block allocated = 8 units of 512 bytes');
  const r = ok(tree, req.read(ROOT, f, (1 << 20) - 2, 100));
  assert.ok(r.res === 'read');
  assert.deepEqual([...r.read.data], [0, 0, ...enc('end')]);
  assert.equal(r.read.eof, true);
  const past = ok(tree, req.read(ROOT, f, 5 << 20, 10));
  assert.ok(past.res === 'read' && past.read.data.length === 0 && past.read.eof);
  const a = ok(tree, req.write(ROOT, f, 0, enc('!'), true));
  assert.equal(attrOf(a).size, (1 << 20) + 4, 'append writes at the end whatever the offset');
  const tail = ok(tree, req.read(ROOT, f, 1 << 20, 100));
  assert.equal(tail.res === 'read' && dec(tail.read.data), 'end!');
  assert.equal(errnoOf(tree, req.read(ROOT, ROOT_HANDLE, 0, 1)), EISDIR);
  assert.equal(errnoOf(tree, req.write(ROOT, ROOT_HANDLE, 0, enc('x'))), EISDIR);
  const l = fhOf(ok(tree, req.symlink(ROOT, ROOT_HANDLE, 'l', 'f')));
  assert.equal(errnoOf(tree, req.read(ROOT, l, 0, 1)), EINVAL);
});

test('write: permission, zero-length writes change nothing, limits give EFBIG and ENOSPC', () => {
  const tree = newTree({ fileBytesMax: 10_000, totalBytesMax: 4 * 4096 });
  const f = fhOf(ok(tree, req.create(ROOT, ROOT_HANDLE, 'f', 0o644)));
  assert.equal(errnoOf(tree, req.write(ALICE, f, 0, enc('x'))), EACCES);
  const before = attrOf(ok(tree, req.getattr(ROOT, f)));
  assert.deepEqual(attrOf(ok(tree, req.write(ROOT, f, 0, new Uint8Array(0)), 5_000)), before);
  assert.equal(errnoOf(tree, req.write(ROOT, f, 9_999, enc('xy'))), EFBIG);
  ok(tree, req.write(ROOT, f, 0, new Uint8Array(9_000)));
  const g = fhOf(ok(tree, req.create(ROOT, ROOT_HANDLE, 'g')));
  assert.equal(errnoOf(tree, req.write(ROOT, g, 0, new Uint8Array(8_193))), ENOSPC, 'needs 3 blocks, 1 left');
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, g))).size, 0, 'a failed write changes nothing');
  ok(tree, req.write(ROOT, g, 0, new Uint8Array(4_096)));
  const s = ok(tree, req.statfs(ROOT));
  assert.ok(s.res === 'statfs');
  assert.equal(s.statfs.bfree, 0);
});

test('write and truncate by non-root clear setuid (and setgid with group exec); root keeps them', () => {
  const { tree, pub } = sharedTree();
  const f = fhOf(ok(tree, req.create(ALICE, pub, 'f', 0o6777)));
  ok(tree, req.write(ROOT, f, 0, enc('root')));
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, f))).mode & 0o7777, 0o6777);
  ok(tree, req.write(BOB, f, 0, enc('bob')));
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, f))).mode & 0o7777, 0o0777);
  ok(tree, req.setattr(ALICE, f, { mode: 0o6767 }));
  ok(tree, req.setattr(BOB, f, { size: 1 }));
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, f))).mode & 0o7777, 0o2767, 'setgid without group exec stays');
});

test('setattr: size truncates and extends with zeros; times explicit or now', () => {
  const tree = newTree();
  const f = fhOf(ok(tree, req.create(ROOT, ROOT_HANDLE, 'f')));
  ok(tree, req.write(ROOT, f, 0, new Uint8Array(10_000).fill(7)));
  ok(tree, req.setattr(ROOT, f, { size: 5 }));
  ok(tree, req.setattr(ROOT, f, { size: 9_000 }));
  const data = readAll(tree, f);
  assert.equal(data.length, 9_000);
  assert.deepEqual([...data.subarray(0, 6)], [7, 7, 7, 7, 7, 0]);
  assert.ok(data.subarray(5).every((b) => b === 0), 'bytes past the old end read as zeros');
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, f))).blocks, 8);
  const t = attrOf(ok(tree, req.setattr(ROOT, f, { atime: { sec: 5, nsec: 6 }, mtimeNow: true }), 42_500));
  assert.deepEqual(t.atime, { sec: 5, nsec: 6 });
  assert.deepEqual(t.mtime, { sec: 42, nsec: 500_000_000 });
  assert.deepEqual(t.ctime, { sec: 42, nsec: 500_000_000 });
  assert.equal(errnoOf(tree, req.setattr(ROOT, ROOT_HANDLE, { size: 0 })), EISDIR);
  assert.equal(errnoOf(tree, req.setattr(ROOT, f, { size: 2 ** 40 })), EFBIG);
});

test('setattr: chmod and explicit times by owner or root only; chown and chgrp rules', () => {
  const { tree, pub } = sharedTree();
  const f = fhOf(ok(tree, req.create(ALICE, pub, 'f', 0o666)));
  assert.equal(errnoOf(tree, req.setattr(BOB, f, { mode: 0o777 })), EPERM);
  assert.equal(errnoOf(tree, req.setattr(BOB, f, { mtime: { sec: 1, nsec: 0 } })), EPERM);
  assert.equal(errnoOf(tree, req.setattr(BOB, f, { mtimeNow: true, atimeNow: true })), 0, 'writers may touch to now');
  ok(tree, req.setattr(ALICE, f, { mode: 0o600 }));
  assert.equal(errnoOf(tree, req.setattr(BOB, f, { mtimeNow: true })), EACCES);
  assert.equal(errnoOf(tree, req.setattr(ALICE, f, { uid: 1001 })), EPERM, 'only root gives files away');
  assert.equal(errnoOf(tree, req.setattr(ALICE, f, { uid: 1000 })), 0, 'chown to oneself is a no-op');
  assert.equal(errnoOf(tree, req.setattr(ALICE, f, { gid: 1002 })), 0, 'chgrp to a group one belongs to');
  assert.equal(errnoOf(tree, req.setattr(ALICE, f, { gid: 0 })), EPERM);
  assert.equal(errnoOf(tree, req.setattr(BOB, f, { gid: 1002 })), EPERM, 'only the owner may chgrp');
  ok(tree, req.setattr(ROOT, f, { uid: 1001, gid: 1001 }));
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, f))).uid, 1001);
});

test('setattr: chmod by a non-root owner outside the file group clears setgid; chown clears setuid', () => {
  const { tree, pub } = sharedTree();
  const f = fhOf(ok(tree, req.create(ALICE, pub, 'f', 0o644)));
  ok(tree, req.setattr(ROOT, f, { gid: 0 }));
  ok(tree, req.setattr(ALICE, f, { mode: 0o2755 }));
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, f))).mode & 0o7777, 0o0755);
  ok(tree, req.setattr(ROOT, f, { mode: 0o4755 }));
  ok(tree, req.setattr(ROOT, f, { uid: 1001 }));
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, f))).mode & 0o7777, 0o0755);
});

test('create: exclusive, truncate, EISDIR, permission, setgid directory inheritance', () => {
  const { tree, pub } = sharedTree();
  const f = fhOf(ok(tree, req.create(ALICE, pub, 'f', 0o644)));
  ok(tree, req.write(ALICE, f, 0, enc('data')));
  assert.equal(errnoOf(tree, req.create(ALICE, pub, 'f', 0o644, true)), EEXIST);
  assert.deepEqual(fhOf(ok(tree, req.create(ALICE, pub, 'f', 0o600))), f, 'non-exclusive create opens the existing file');
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, f))).size, 4);
  assert.equal(errnoOf(tree, req.create(BOB, pub, 'f', 0o644, false, true)), EACCES, 'O_TRUNC needs write permission');
  assert.equal(attrOf(ok(tree, req.create(ALICE, pub, 'f', 0o644, false, true))).size, 0);
  assert.equal(errnoOf(tree, req.create(ROOT, ROOT_HANDLE, 'pub')), EISDIR);
  const closed = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'closed', 0o755)));
  assert.equal(errnoOf(tree, req.create(ALICE, closed, 'x')), EACCES);
  const sg = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'sg', 0o777)));
  ok(tree, req.setattr(ROOT, sg, { gid: 1002, mode: 0o2777 }));
  const inherited = attrOf(ok(tree, req.create(ALICE, sg, 'x', 0o644)));
  assert.equal(inherited.gid, 1002);
  assert.equal(inherited.uid, 1000);
  const sub = attrOf(ok(tree, req.mkdir(ALICE, sg, 'sub', 0o755)));
  assert.equal(sub.gid, 1002);
  assert.equal(sub.mode & 0o7777, 0o2755, 'subdirectories inherit setgid');
  assert.equal(errnoOf(tree, req.create(ALICE, ROOT_HANDLE, 'x'.repeat(300))), ENAMETOOLONG, 'the name is checked before write permission');
});

test('mkdir: link counts, EEXIST, EMLINK, depth limit, inode limit', () => {
  const tree = newTree({ linksMax: 4, pathDepthMax: 3, inodesMax: 8 });
  const a = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'a')));
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, ROOT_HANDLE))).nlink, 3);
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, a))).nlink, 2);
  assert.equal(errnoOf(tree, req.mkdir(ROOT, ROOT_HANDLE, 'a')), EEXIST);
  ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'b'));
  assert.equal(errnoOf(tree, req.mkdir(ROOT, ROOT_HANDLE, 'c')), EMLINK);
  const b = fhOf(ok(tree, req.mkdir(ROOT, a, 'b')));
  const c = fhOf(ok(tree, req.mkdir(ROOT, b, 'c')));
  assert.equal(errnoOf(tree, req.mkdir(ROOT, c, 'd')), ENAMETOOLONG, 'depth 4 is over pathDepthMax 3');
  ok(tree, req.create(ROOT, c, 'f1'));
  ok(tree, req.create(ROOT, c, 'f2'));
  ok(tree, req.create(ROOT, c, 'f3'));
  assert.equal(errnoOf(tree, req.create(ROOT, c, 'f4')), ENOSPC, 'inodesMax 8 reached');
  const s = ok(tree, req.statfs(ROOT));
  assert.ok(s.res === 'statfs' && s.statfs.ffree === 0 && s.statfs.files === 8 && s.statfs.namemax === 255);
});

test('symlink and readlink', () => {
  const tree = newTree();
  const l = ok(tree, req.symlink(ROOT, ROOT_HANDLE, 'l', '../some/where'));
  assert.equal(attrOf(l).type, 'FT_LNK');
  assert.equal(attrOf(l).size, 13);
  assert.equal(attrOf(l).mode, 0o120777);
  const r = ok(tree, req.readlink(ROOT, fhOf(l)));
  assert.ok(r.res === 'readlink' && r.readlink.target === '../some/where');
  assert.equal(errnoOf(tree, req.symlink(ROOT, ROOT_HANDLE, 'm', '')), ENOENT);
  assert.equal(errnoOf(tree, req.symlink(ROOT, ROOT_HANDLE, 'l', 'x')), EEXIST);
  assert.equal(errnoOf(tree, req.symlink(ROOT, ROOT_HANDLE, 'n', 'x'.repeat(5000))), ENAMETOOLONG);
  assert.equal(errnoOf(tree, req.readlink(ROOT, ROOT_HANDLE)), EINVAL);
});

test('link: counts, not for directories, EEXIST, protected hard links', () => {
  const { tree, pub } = sharedTree();
  const f = fhOf(ok(tree, req.create(ALICE, pub, 'f', 0o600)));
  const l = attrOf(ok(tree, req.link(ALICE, f, pub, 'g')));
  assert.equal(l.nlink, 2);
  assert.deepEqual(l.fh, f);
  assert.equal(errnoOf(tree, req.link(ALICE, f, pub, 'g')), EEXIST);
  assert.equal(errnoOf(tree, req.link(ROOT, pub, ROOT_HANDLE, 'dirlink')), EPERM);
  assert.equal(errnoOf(tree, req.link(BOB, f, pub, 'h')), EPERM, 'BOB can neither read nor write it');
  ok(tree, req.setattr(ALICE, f, { mode: 0o666 }));
  ok(tree, req.link(BOB, f, pub, 'h'));
  ok(tree, req.remove(ALICE, pub, 'f'));
  ok(tree, req.remove(ALICE, pub, 'g'));
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, f))).nlink, 1);
  assert.deepEqual(names(tree, pub), ['.', '..', 'h']);
});

test('remove: frees the inode (stale handle, number reused with the next generation), sticky directories', () => {
  const tree = newTree();
  const f = fhOf(ok(tree, req.create(ROOT, ROOT_HANDLE, 'f')));
  ok(tree, req.write(ROOT, f, 0, new Uint8Array(8192)));
  const used = tree.stats().usedBytes;
  ok(tree, req.remove(ROOT, ROOT_HANDLE, 'f'));
  assert.equal(tree.stats().usedBytes, used - 8192);
  assert.equal(errnoOf(tree, req.getattr(ROOT, f)), ESTALE);
  assert.equal(errnoOf(tree, req.write(ROOT, f, 0, enc('x'))), ESTALE);
  const g = fhOf(ok(tree, req.create(ROOT, ROOT_HANDLE, 'g')));
  assert.deepEqual(g, { ino: f.ino, gen: f.gen + 1 });
  assert.equal(errnoOf(tree, req.remove(ROOT, ROOT_HANDLE, 'f')), ENOENT);
  assert.equal(errnoOf(tree, req.remove(ROOT, ROOT_HANDLE, '.')), EISDIR);
  const tmp = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'tmp', 0o1777)));
  assert.equal(errnoOf(tree, req.remove(ROOT, ROOT_HANDLE, 'tmp')), EISDIR);
  ok(tree, req.create(ALICE, tmp, 'mine'));
  assert.equal(errnoOf(tree, req.remove(BOB, tmp, 'mine')), EPERM);
  assert.equal(errnoOf(tree, req.rename(BOB, tmp, 'mine', tmp, 'stolen')), EPERM);
  ok(tree, req.remove(ALICE, tmp, 'mine'));
  const closed = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'closed', 0o755)));
  ok(tree, req.create(ROOT, closed, 'x'));
  assert.equal(errnoOf(tree, req.remove(ALICE, closed, 'x')), EACCES);
});

test('rmdir: empty directories only, ENOTDIR, "." and ".."', () => {
  const tree = newTree();
  const d = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'd')));
  ok(tree, req.create(ROOT, d, 'f'));
  assert.equal(errnoOf(tree, req.rmdir(ROOT, ROOT_HANDLE, 'd')), ENOTEMPTY);
  assert.equal(errnoOf(tree, req.rmdir(ROOT, d, 'f')), ENOTDIR);
  assert.equal(errnoOf(tree, req.rmdir(ROOT, d, '.')), EINVAL);
  assert.equal(errnoOf(tree, req.rmdir(ROOT, d, '..')), ENOTEMPTY);
  ok(tree, req.remove(ROOT, d, 'f'));
  ok(tree, req.rmdir(ROOT, ROOT_HANDLE, 'd'));
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, ROOT_HANDLE))).nlink, 2);
  assert.equal(errnoOf(tree, req.getattr(ROOT, d)), ESTALE);
});

test('rename: files, directories across parents, replacement rules, subtree and no-op cases', () => {
  const tree = newTree();
  const a = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'a')));
  const b = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'b')));
  const sub = fhOf(ok(tree, req.mkdir(ROOT, a, 'sub')));
  const f = fhOf(ok(tree, req.create(ROOT, a, 'f')));
  const g = fhOf(ok(tree, req.create(ROOT, b, 'g')));
  ok(tree, req.write(ROOT, f, 0, enc('from f')));
  // file over file: the target's inode is freed
  ok(tree, req.rename(ROOT, a, 'f', b, 'g'));
  assert.equal(errnoOf(tree, req.getattr(ROOT, g)), ESTALE);
  assert.equal(dec(readAll(tree, fhOf(ok(tree, req.lookup(ROOT, b, 'g'))))), 'from f');
  // directory to another parent: link counts and ".." follow
  ok(tree, req.rename(ROOT, a, 'sub', b, 'sub2'));
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, a))).nlink, 2);
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, b))).nlink, 3);
  assert.deepEqual(fhOf(ok(tree, req.lookup(ROOT, sub, '..'))), b);
  // dir into its own subtree, dir over file, file over dir, dir over non-empty dir
  assert.equal(errnoOf(tree, req.rename(ROOT, ROOT_HANDLE, 'b', sub, 'x')), EINVAL);
  assert.equal(errnoOf(tree, req.rename(ROOT, ROOT_HANDLE, 'b', sub, '..')), EBUSY);
  assert.equal(errnoOf(tree, req.rename(ROOT, b, 'sub2', b, 'g')), ENOTDIR);
  assert.equal(errnoOf(tree, req.rename(ROOT, b, 'g', ROOT_HANDLE, 'a')), EISDIR);
  ok(tree, req.create(ROOT, a, 'keep'));
  assert.equal(errnoOf(tree, req.rename(ROOT, b, 'sub2', ROOT_HANDLE, 'a')), ENOTEMPTY);
  assert.equal(errnoOf(tree, req.rename(ROOT, b, 'nope', ROOT_HANDLE, 'x')), ENOENT);
  // dir over empty dir
  ok(tree, req.remove(ROOT, a, 'keep'));
  ok(tree, req.rename(ROOT, b, 'sub2', ROOT_HANDLE, 'a'));
  assert.equal(errnoOf(tree, req.getattr(ROOT, a)), ESTALE);
  assert.deepEqual(fhOf(ok(tree, req.lookup(ROOT, ROOT_HANDLE, 'a'))), sub);
  assert.equal(attrOf(ok(tree, req.getattr(ROOT, ROOT_HANDLE))).nlink, 4);
  // same inode under two names: a no-op that leaves both
  const h = fhOf(ok(tree, req.lookup(ROOT, b, 'g')));
  ok(tree, req.link(ROOT, h, b, 'h'));
  const before = hex(tree.digest());
  ok(tree, req.rename(ROOT, b, 'g', b, 'h'));
  assert.equal(hex(tree.digest()), before);
  assert.deepEqual(names(tree, b).sort(), ['.', '..', 'g', 'h']);
});

test('rename: moving a directory to another parent needs write permission on it', () => {
  const { tree, pub } = sharedTree();
  const other = fhOf(ok(tree, req.mkdir(ROOT, ROOT_HANDLE, 'other', 0o777)));
  ok(tree, req.mkdir(ALICE, pub, 'ro', 0o555));
  assert.equal(errnoOf(tree, req.rename(ALICE, pub, 'ro', other, 'ro')), EACCES);
  ok(tree, req.rename(ALICE, pub, 'ro', pub, 'ro2'));
});

test('query runs read-only ops without changing anything and refuses mutations with EROFS', () => {
  const tree = newTree();
  const f = fhOf(ok(tree, req.create(ROOT, ROOT_HANDLE, 'f')));
  ok(tree, req.write(ROOT, f, 0, enc('abc')));
  const before = hex(tree.snapshot());
  const reads: FsRequest[] = [
    req.getattr(ROOT, f), req.lookup(ROOT, ROOT_HANDLE, 'f'), req.access(ROOT, f, 4), req.readdir(ROOT, ROOT_HANDLE),
    req.read(ROOT, f, 0, 10), req.statfs(ROOT), req.readlink(ROOT, f),
  ];
  for (const r of reads) {
    assert.ok(isReadOnlyOp(r));
    assert.deepEqual(tree.query(r), tree.apply(r, 999_999), r.op);
  }
  assert.equal(hex(tree.snapshot()), before, 'reads change no state (noatime)');
  const w = req.write(ROOT, f, 0, enc('x'));
  assert.equal(isReadOnlyOp(w), false);
  assert.deepEqual(tree.query(w), { errno: EROFS });
  assert.equal(hex(tree.snapshot()), before);
});

test('fuzz: forged requests with wrong field types never throw and never corrupt the tree', () => {
  const tree = newTree();
  const f = fhOf(ok(tree, req.create(ROOT, ROOT_HANDLE, 'f')));
  let seed = 12345;
  const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
  const junk = (): unknown => [
    undefined, null, -1, 1.5, 2 ** 60, NaN, 'x', '', '..', 'a/b', {}, [], true, new Uint8Array(3), f, ROOT_HANDLE,
    { ino: 'x', gen: 1 }, { sec: 1, nsec: 2e9 }, { ino: 1 },
  ][Math.floor(rand() * 19)];
  const ops = ['getattr', 'setattr', 'lookup', 'access', 'readdir', 'read', 'write', 'create', 'mkdir', 'symlink', 'readlink', 'link', 'remove', 'rmdir', 'rename', 'statfs'];
  const fields = ['fh', 'dir', 'name', 'mode', 'uid', 'gid', 'size', 'atime', 'mtime', 'offset', 'count', 'cookie', 'data', 'append', 'mask', 'target', 'fromDir', 'fromName', 'toDir', 'toName', 'exclusive', 'truncate', 'atimeNow'];
  for (let i = 0; i < 5000; i++) {
    const op = ops[Math.floor(rand() * ops.length)];
    const args: Record<string, unknown> = {};
    for (const field of fields) if (rand() < 0.5) args[field] = junk();
    const r = { cred: rand() < 0.9 ? ROOT : junk(), op, [op]: args } as unknown as FsRequest;
    const res = tree.apply(r, 1_000 + i);
    assert.ok(Number.isInteger(res.errno) && res.errno >= 0);
  }
  assert.equal(hex(tree.digest()), hex(tree.recomputeDigest()));
});
