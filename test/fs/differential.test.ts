// Differential test: random operation sequences run against FileTree and
// against a real directory through node:fs (as root and as two unprivileged
// users, via seteuid around each synchronous call), comparing every errno and
// result, then the final trees.
//
// Deliberate differences, not compared:
// - timestamps (FileTree uses the agreed time; reads never touch atime);
// - st_blocks and the size of directories (ext4 reports 4096, we report 0);
// - access(2) (it checks the real uid, not the effective one we switch);
// The harness emulates what the kernel does above the file system: the path
// walk (lookup with search permission, following symlinks), open()'s
// permission checks, and O_CREAT through a dangling symlink.
// BFS_FS_DIFF_SEEDS=N runs N seeds (default below); BFS_FS_DIFF_SEED=S runs one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT_HANDLE, type FileTree } from '../../src/fs/index.js';
import type { Credentials, FsRequest, FsResult, Handle } from '../../src/fs/types.js';
import { ALICE, BOB, ROOT, attrOf, mulberry32, newTree, pick, req } from './helpers.js';

const SEEDS = Number(process.env.BFS_FS_DIFF_SEEDS ?? 1000);
const OPS_PER_SEQ = 60;
const NAMES = ['a', 'b', 'c'];
const MODES = [0o777, 0o755, 0o700, 0o644, 0o600, 0o444, 0o000, 0o1777, 0o2775, 0o4755, 0o2755, 0o6711, 0o711, 0o070, 0o007, 0o1733, 0o333];
const SIZES = [0, 1, 100, 4096, 5000, 9000];
const OFFSETS = [0, 10, 4090, 4096, 8192, 70000];
const isRoot = process.getuid?.() === 0;
const USERS: Credentials[] = isRoot ? [ROOT, ALICE, BOB] : [{ uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, groups: [] }];

type Op =
  | { kind: 'create'; p: string[]; mode: number; excl: boolean; trunc: boolean }
  | { kind: 'mkdir'; p: string[]; mode: number }
  | { kind: 'symlink'; p: string[]; target: string }
  | { kind: 'link'; from: string[]; p: string[] }
  | { kind: 'unlink'; p: string[] }
  | { kind: 'rmdir'; p: string[] }
  | { kind: 'rename'; from: string[]; p: string[] }
  | { kind: 'write'; p: string[]; offset: number; size: number; append: boolean; fill: number }
  | { kind: 'truncate'; p: string[]; size: number }
  | { kind: 'chmod'; p: string[]; mode: number }
  | { kind: 'chown'; p: string[]; uid: number; gid: number }
  | { kind: 'utimes'; p: string[] }
  | { kind: 'read'; p: string[]; offset: number; size: number }
  | { kind: 'stat'; p: string[] }
  | { kind: 'readdir'; p: string[] };

interface Step { user: number; op: Op }

function randPath(rand: () => number): string[] {
  // Mostly shallow paths, so that more operations find what they name.
  const r = rand();
  const depth = r < 0.45 ? 1 : r < 0.8 ? 2 : 3;
  return Array.from({ length: depth }, () => pick(rand, NAMES));
}

function randOp(rand: () => number): Op {
  const p = randPath(rand);
  const kinds = ['create', 'create', 'mkdir', 'mkdir', 'symlink', 'link', 'unlink', 'rmdir', 'rename', 'rename', 'write', 'write',
    'truncate', 'chmod', 'chmod', 'chown', 'utimes', 'read', 'stat', 'readdir'] as const;
  const kind = pick(rand, kinds);
  switch (kind) {
    case 'create': return { kind, p, mode: pick(rand, MODES), excl: rand() < 0.3, trunc: rand() < 0.3 };
    case 'mkdir': return { kind, p, mode: pick(rand, MODES) };
    case 'symlink': return { kind, p, target: randPath(rand).join('/') };
    case 'link': case 'rename': return { kind, from: randPath(rand), p };
    case 'write': return { kind, p, offset: pick(rand, OFFSETS), size: pick(rand, SIZES), append: rand() < 0.2, fill: 1 + Math.floor(rand() * 250) };
    case 'truncate': return { kind, p, size: pick(rand, [0, 5, 4096, 6000, 20000]) };
    case 'chmod': return { kind, p, mode: pick(rand, MODES) };
    case 'chown': {
      // chown(-1, -1) is left out: Linux treats the setuid/setgid kill it implies as a chmod.
      const uid = pick(rand, [-1, 0, 1000, 1001]);
      return { kind, p, uid, gid: pick(rand, uid === -1 ? [0, 1000, 1001, 1002] : [-1, 0, 1000, 1001, 1002]) };
    }
    case 'read': return { kind, p, offset: pick(rand, OFFSETS), size: pick(rand, [1, 100, 5000, 100000]) };
    default: return { kind, p };
  }
}

function payload(op: { size: number; fill: number }): Uint8Array {
  const data = new Uint8Array(op.size);
  for (let i = 0; i < data.length; i++) data[i] = (op.fill + i * 7) & 0xff;
  return data;
}

// ── the real side ──────────────────────────────────────────────────────────

// Switching the effective ids is costly (glibc signals every thread), so the
// harness stays as the last user until a different one, or root, is needed.
let actingAs: Credentials = ROOT;
const ids = process as Required<Pick<NodeJS.Process, 'seteuid' | 'setegid' | 'setgroups'>>;

function becomeUser(cred: Credentials): void {
  if (!isRoot || actingAs === cred) return;
  if (actingAs.uid !== 0) {
    ids.seteuid(0);
    ids.setegid(0);
    ids.setgroups([0]);
  }
  if (cred.uid !== 0) {
    ids.setgroups(cred.groups);
    ids.setegid(cred.gid);
    ids.seteuid(cred.uid);
  }
  actingAs = cred;
}

type Outcome = { errno: number; value?: unknown };

function realRun(base: string, op: Op): Outcome {
  const at = (p: string[]): string => path.join(base, ...p);
  try {
    return { errno: 0, value: realOp(op, at) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e.errno !== 'number') throw err;
    return { errno: -e.errno };
  }
}

function realOp(op: Op, at: (p: string[]) => string): unknown {
  const c = fs.constants;
  switch (op.kind) {
    case 'create': fs.closeSync(fs.openSync(at(op.p), c.O_CREAT | c.O_WRONLY | (op.excl ? c.O_EXCL : 0) | (op.trunc ? c.O_TRUNC : 0), op.mode)); return undefined;
    case 'mkdir': fs.mkdirSync(at(op.p), { mode: op.mode }); return undefined;
    case 'symlink': fs.symlinkSync(op.target, at(op.p)); return undefined;
    case 'link': fs.linkSync(at(op.from), at(op.p)); return undefined;
    case 'unlink': fs.unlinkSync(at(op.p)); return undefined;
    case 'rmdir': fs.rmdirSync(at(op.p)); return undefined;
    case 'rename': fs.renameSync(at(op.from), at(op.p)); return undefined;
    case 'write': {
      const fd = fs.openSync(at(op.p), c.O_WRONLY | (op.append ? c.O_APPEND : 0));
      try { return fs.writeSync(fd, payload(op), 0, op.size, op.append ? null : op.offset); } finally { fs.closeSync(fd); }
    }
    case 'truncate': {
      // fs.truncateSync opens 'r+' (needs read permission too); truncate(2) needs only write.
      const fd = fs.openSync(at(op.p), c.O_WRONLY);
      try { fs.ftruncateSync(fd, op.size); return undefined; } finally { fs.closeSync(fd); }
    }
    case 'chmod': fs.chmodSync(at(op.p), op.mode); return undefined;
    case 'chown': fs.chownSync(at(op.p), op.uid, op.gid); return undefined;
    case 'utimes': fs.utimesSync(at(op.p), 1_000, 2_000); return undefined;
    case 'read': {
      const fd = fs.openSync(at(op.p), c.O_RDONLY);
      try {
        const buf = Buffer.alloc(op.size);
        const n = fs.readSync(fd, buf, 0, op.size, op.offset);
        return Buffer.from(buf.subarray(0, n)).toString('hex');
      } finally { fs.closeSync(fd); }
    }
    case 'stat': return statSummary(fs.lstatSync(at(op.p)));
    case 'readdir': return fs.readdirSync(at(op.p)).sort();
  }
}

function statSummary(s: { mode: number; nlink: number; uid: number; gid: number; size: number; isDirectory(): boolean }): string {
  return `mode=${s.mode.toString(8)} nlink=${s.nlink} uid=${s.uid} gid=${s.gid} size=${s.isDirectory() ? '-' : s.size}`;
}

// ── the model side ─────────────────────────────────────────────────────────

class Model {
  time = 1_000_000;
  constructor(readonly tree: FileTree) {}

  call(r: FsRequest): FsResult {
    return this.tree.apply(r, (this.time += 1000));
  }

  // Walks `parts` from the root like the kernel: search permission on each
  // directory, symlinks followed in the middle (and at the end if asked).
  walk(cred: Credentials, parts: string[], followLast: boolean): { errno: number; fh?: Handle; isDir?: boolean } {
    let dir: Handle = ROOT_HANDLE;
    const todo = [...parts];
    let links = 0;
    while (todo.length > 0) {
      const name = todo.shift() as string;
      const res = this.call(req.lookup(cred, dir, name));
      if (res.errno !== 0) return { errno: res.errno };
      const found = attrOf(res);
      if (found.type === 'FT_LNK' && (todo.length > 0 || followLast)) {
        if (++links > 40) return { errno: 40 };
        const target = this.call(req.readlink(cred, found.fh));
        if (target.res !== 'readlink') return { errno: target.errno };
        todo.unshift(...target.readlink.target.split('/').filter((s) => s !== ''));
        continue;
      }
      if (todo.length === 0) return { errno: 0, fh: found.fh, isDir: found.type === 'FT_DIR' };
      dir = found.fh;
    }
    return { errno: 0, fh: dir, isDir: true };
  }

  // The directory and name an op on `parts` acts on (the last component is not looked up).
  parent(cred: Credentials, parts: string[]): { errno: number; dir?: Handle; name?: string } {
    const up = parts.length > 1 ? this.walk(cred, parts.slice(0, -1), true) : { errno: 0, fh: ROOT_HANDLE, isDir: true };
    if (up.errno !== 0) return { errno: up.errno };
    if (!up.isDir) return { errno: 20 };
    // The path walk needs search permission on the parent itself too.
    const search = this.call(req.access(cred, up.fh as Handle, 1));
    if (search.errno !== 0) return { errno: search.errno };
    return { errno: 0, dir: up.fh, name: parts[parts.length - 1] };
  }

  run(cred: Credentials, op: Op): Outcome {
    switch (op.kind) {
      case 'create': return this.create(cred, op);
      case 'mkdir': return this.onParent(cred, op.p, (dir, name) => req.mkdir(cred, dir, name, op.mode));
      case 'symlink': return this.onParent(cred, op.p, (dir, name) => req.symlink(cred, dir, name, op.target));
      case 'unlink': return this.onParent(cred, op.p, (dir, name) => req.remove(cred, dir, name));
      case 'rmdir': return this.onParent(cred, op.p, (dir, name) => req.rmdir(cred, dir, name));
      case 'link': {
        const src = this.walk(cred, op.from, false);
        if (src.errno !== 0) return { errno: src.errno };
        return this.onParent(cred, op.p, (dir, name) => req.link(cred, src.fh as Handle, dir, name));
      }
      case 'rename': {
        // Both parents are resolved before either name is looked up.
        const from = this.parent(cred, op.from);
        if (from.errno !== 0) return { errno: from.errno };
        return this.onParent(cred, op.p, (dir, name) => req.rename(cred, from.dir as Handle, from.name as string, dir, name));
      }
      default: return this.onFile(cred, op);
    }
  }

  onParent(cred: Credentials, parts: string[], make: (dir: Handle, name: string) => FsRequest): Outcome {
    const p = this.parent(cred, parts);
    if (p.errno !== 0) return { errno: p.errno };
    return { errno: this.call(make(p.dir as Handle, p.name as string)).errno };
  }

  // open(O_CREAT [|O_EXCL] [|O_TRUNC] | O_WRONLY): follows a final symlink
  // (unless O_EXCL); an existing file must be writable (open's check).
  create(cred: Credentials, op: Extract<Op, { kind: 'create' }>): Outcome {
    let parts = op.p;
    for (let hops = 0; ; hops++) {
      const p = this.parent(cred, parts);
      if (p.errno !== 0) return { errno: p.errno };
      const look = this.call(req.lookup(cred, p.dir as Handle, p.name as string));
      if (look.errno === 0 && attrOf(look).type === 'FT_LNK' && !op.excl) {
        if (hops > 40) return { errno: 40 };
        const target = this.call(req.readlink(cred, attrOf(look).fh));
        if (target.res !== 'readlink') return { errno: target.errno };
        parts = [...parts.slice(0, -1), ...target.readlink.target.split('/').filter((s) => s !== '')];
        continue;
      }
      const existed = look.errno === 0;
      if (existed && !op.excl && attrOf(look).type === 'FT_DIR') return { errno: 21 };
      if (existed && !op.excl) {
        const acc = this.call(req.access(cred, attrOf(look).fh, 2));
        if (acc.errno !== 0) return { errno: acc.errno };
      }
      return { errno: this.call(req.create(cred, p.dir as Handle, p.name as string, op.mode, op.excl, op.trunc)).errno };
    }
  }

  onFile(cred: Credentials, op: Exclude<Op, { kind: 'create' | 'mkdir' | 'symlink' | 'unlink' | 'rmdir' | 'link' | 'rename' }>): Outcome {
    const w = this.walk(cred, op.p, op.kind !== 'stat');
    if (w.errno !== 0) return { errno: w.errno };
    const fh = w.fh as Handle;
    switch (op.kind) {
      case 'write': {
        const res = this.call(req.write(cred, fh, op.offset, payload(op), op.append));
        return res.res === 'write' ? { errno: 0, value: res.write.count } : { errno: res.errno };
      }
      case 'truncate': return { errno: this.call(req.setattr(cred, fh, { size: op.size })).errno };
      case 'chmod': return { errno: this.call(req.setattr(cred, fh, { mode: op.mode })).errno };
      case 'chown': {
        const a: { uid?: number; gid?: number } = {};
        if (op.uid >= 0) a.uid = op.uid;
        if (op.gid >= 0) a.gid = op.gid;
        return { errno: this.call(req.setattr(cred, fh, a)).errno };
      }
      case 'utimes': return { errno: this.call(req.setattr(cred, fh, { atime: { sec: 1, nsec: 0 }, mtime: { sec: 2, nsec: 0 } })).errno };
      case 'read': return this.read(cred, fh, op);
      case 'stat': {
        const a = attrOf(this.call(req.getattr(cred, fh)));
        return { errno: 0, value: `mode=${a.mode.toString(8)} nlink=${a.nlink} uid=${a.uid} gid=${a.gid} size=${a.type === 'FT_DIR' ? '-' : a.size}` };
      }
      case 'readdir': {
        const acc = this.call(req.access(cred, fh, 4));
        const st = attrOf(this.call(req.getattr(cred, fh)));
        if (st.type !== 'FT_DIR') return { errno: 20 };
        if (acc.errno !== 0) return { errno: acc.errno };
        const res = this.call(req.readdir(cred, fh));
        if (res.res !== 'readdir') return { errno: res.errno };
        return { errno: 0, value: res.readdir.entries.map((e) => e.name).filter((n) => n !== '.' && n !== '..').sort() };
      }
    }
  }

  // open(O_RDONLY) checks read permission (a directory opens; reading it is EISDIR).
  read(cred: Credentials, fh: Handle, op: { offset: number; size: number }): Outcome {
    const acc = this.call(req.access(cred, fh, 4));
    if (acc.errno !== 0) return { errno: acc.errno };
    const res = this.call(req.read(cred, fh, op.offset, op.size));
    return res.res === 'read' ? { errno: 0, value: Buffer.from(res.read.data).toString('hex') } : { errno: res.errno };
  }
}

// ── final trees ────────────────────────────────────────────────────────────

function realTree(base: string): string[] {
  const out: string[] = [];
  const visit = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(base, rel)).sort()) {
      const p = path.join(rel, name);
      const s = fs.lstatSync(path.join(base, p));
      let extra = '';
      if (s.isSymbolicLink()) extra = ` -> ${fs.readlinkSync(path.join(base, p))}`;
      if (s.isFile()) extra = ` sha=${Buffer.from(fs.readFileSync(path.join(base, p))).toString('base64').length}:${hashOf(fs.readFileSync(path.join(base, p)))}`;
      out.push(`${p} ${statSummary(s)}${extra}`);
      if (s.isDirectory()) visit(p);
    }
  };
  visit('');
  return out;
}

function modelTree(m: Model): string[] {
  const out: string[] = [];
  const visit = (dir: Handle, rel: string): void => {
    const res = m.call(req.readdir(ROOT, dir));
    if (res.res !== 'readdir') throw new Error(`readdir ${rel} failed: ${res.errno}`);
    const entries = res.readdir.entries.filter((e) => e.name !== '.' && e.name !== '..').sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = path.join(rel, e.name);
      const a = attrOf(m.call(req.getattr(ROOT, e.fh)));
      let extra = '';
      if (a.type === 'FT_LNK') { const r = m.call(req.readlink(ROOT, e.fh)); extra = ` -> ${r.res === 'readlink' ? r.readlink.target : '?'}`; }
      if (a.type === 'FT_REG') {
        const r = m.call(req.read(ROOT, e.fh, 0, a.size + 1));
        const data = r.res === 'read' ? Buffer.from(r.read.data) : Buffer.alloc(0);
        extra = ` sha=${data.toString('base64').length}:${hashOf(data)}`;
      }
      out.push(`${p} mode=${a.mode.toString(8)} nlink=${a.nlink} uid=${a.uid} gid=${a.gid} size=${a.type === 'FT_DIR' ? '-' : a.size}${extra}`);
      if (a.type === 'FT_DIR') visit(e.fh, p);
    }
  };
  visit(ROOT_HANDLE, '');
  return out;
}

function hashOf(data: Uint8Array): string {
  let h = 2166136261;
  for (const b of data) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h.toString(16);
}

function describe(step: Step): string {
  return `user=${USERS[step.user].uid} ${JSON.stringify(step.op)}`;
}

// errno -> count, over every compared step (printed as a coverage summary).
const outcomes = new Map<string, number>();

function runSeed(seed: number, root: string): void {
  const rand = mulberry32(seed);
  const base = fs.mkdtempSync(path.join(root, `s${seed}-`));
  fs.chmodSync(base, 0o777);
  const model = new Model(newTree());
  model.call(req.setattr(ROOT, ROOT_HANDLE, { mode: 0o777 }));
  const steps: Step[] = [];
  try {
    let user = 0;
    for (let i = 0; i < OPS_PER_SEQ; i++) {
      if (rand() < 0.3) user = Math.floor(rand() * USERS.length);
      const step = { user, op: randOp(rand) };
      steps.push(step);
      const cred = USERS[step.user];
      becomeUser(cred);
      const real = realRun(base, step.op);
      const mine = model.run(cred, step.op);
      const label = `${step.op.kind}:${real.errno}`;
      outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
      if (real.errno !== mine.errno || JSON.stringify(real.value) !== JSON.stringify(mine.value)) {
        becomeUser(ROOT);
        throw new Error(`seed ${seed} step ${i}: ${describe(step)}\n  real:  ${JSON.stringify(real)}\n  model: ${JSON.stringify(mine)}\n  real tree after:\n    ${realTree(base).join('\n    ')}`);
      }
    }
    becomeUser(ROOT);
    assert.deepEqual(modelTree(model), realTree(base), `seed ${seed}: final trees differ`);
    assert.deepEqual(model.tree.digest(), model.tree.recomputeDigest(), `seed ${seed}: incremental digest differs from recomputed`);
  } catch (err) {
    const ops = steps.map((s, i) => `  ${i}: ${describe(s)}`).join('\n');
    throw new Error(`${(err as Error).message}\nseed ${seed} ops:\n${ops}`, { cause: err });
  } finally {
    becomeUser(ROOT);
    fs.rmSync(base, { recursive: true, force: true });
  }
}

test(`differential: FileTree vs node:fs on a real directory (${SEEDS} seeds x ${OPS_PER_SEQ} ops)`, (t) => {
  if (!isRoot) t.diagnostic('not root: running as the current user only, permission cases across users are not covered');
  const oldMask = process.umask(0);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bfs-fs-diff-'));
  fs.chmodSync(root, 0o755);
  try {
    const only = process.env.BFS_FS_DIFF_SEED;
    const seeds = only !== undefined ? [Number(only)] : Array.from({ length: SEEDS }, (_, i) => i + 1);
    for (const seed of seeds) runSeed(seed, root);
    t.diagnostic(`outcomes (op:errno count): ${[...outcomes].sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
  } finally {
    process.umask(oldMask);
    fs.rmSync(root, { recursive: true, force: true });
  }
});
