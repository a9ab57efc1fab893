// BfsClient: one async method per NFS-like operation of the file service, over
// any Invoker. Results come back as values; a non-zero errno is thrown as an
// FsError naming the operation and its target.
import type {
  Attr, CreateRes, Credentials, DirEntry, FsOp, FsResBody, FsResult, Handle, ReadDirRes, ReadRes,
  RemoveRes, RenameRes, SetAttrArgs, StatFsRes, WriteRes,
} from '../fs/types.js';
import { ROOT_HANDLE as FS_ROOT_HANDLE } from '../fs/file-tree.js';
import { FsError } from './fs-error.js';
import type { Invoker } from './invoker.js';

/** The root directory's handle in every file tree. */
export const ROOT_HANDLE: Handle = FS_ROOT_HANDLE;

/** Bytes per read/write request in readFile/writeFile (the mount uses the same as FUSE's max_write). */
export const IO_CHUNK_BYTES = 128 * 1024;
/** Entries asked for per readdir page. */
export const READDIR_PAGE_ENTRIES = 512;

export interface BfsClientOptions {
  /** Identity used when a call passes none; default: this process's uid/gid/groups. */
  cred?: Credentials;
  root?: Handle;
}

export type AttrChanges = Partial<Omit<SetAttrArgs, 'fh'>>;

type BodyOf<K extends FsResBody['res']> = Extract<FsResBody, { res: K }>;

export function processCredentials(): Credentials {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const groups = process.getgroups?.() ?? [];
  return { uid, gid, groups: [...new Set(groups)] };
}

function describe(fh: Handle): string {
  return `ino ${fh.ino}`;
}

export class BfsClient {
  readonly cred: Credentials;
  readonly root: Handle;
  /**
   * Requests sent so far, by op name (one Map increment per request): how the
   * mount's caching shows up as work for the group (`bfs mount` logs them at
   * unmount; bench/andrew/op-counts.ts per Andrew phase).
   */
  readonly sentOps = new Map<FsOp['op'], number>();

  constructor(private readonly invoker: Invoker, options: BfsClientOptions = {}) {
    this.cred = options.cred ?? processCredentials();
    this.root = options.root ?? ROOT_HANDLE;
  }

  /** Send one op; throw FsError on errno, or when the reply has the wrong body. */
  private async call<K extends FsResBody['res']>(op: FsOp, res: K, what: string, cred?: Credentials): Promise<BodyOf<K>> {
    this.sentOps.set(op.op, (this.sentOps.get(op.op) ?? 0) + 1);
    const result: FsResult = await this.invoker.invoke({ cred: cred ?? this.cred, ...op });
    if (result.errno !== 0) throw new FsError(result.errno, `${op.op} ${what}`);
    if (result.res !== res) throw new FsError(5 /* EIO */, `${op.op} ${what}: reply carries '${String(result.res)}', expected '${res}'`);
    return result as FsResBody as BodyOf<K>;
  }

  async getattr(fh: Handle, cred?: Credentials): Promise<Attr> {
    return (await this.call({ op: 'getattr', getattr: { fh } }, 'attr', describe(fh), cred)).attr.attr;
  }

  async setattr(fh: Handle, changes: AttrChanges, cred?: Credentials): Promise<Attr> {
    const setattr: SetAttrArgs = { atimeNow: false, mtimeNow: false, ...changes, fh };
    return (await this.call({ op: 'setattr', setattr }, 'attr', describe(fh), cred)).attr.attr;
  }

  async lookup(dir: Handle, name: string, cred?: Credentials): Promise<Attr> {
    return (await this.call({ op: 'lookup', lookup: { dir, name } }, 'lookup', `${name} in ${describe(dir)}`, cred)).lookup.attr;
  }

  /** Resolves when every bit of `mask` (R_OK=4, W_OK=2, X_OK=1) is granted, else throws EACCES. */
  async access(fh: Handle, mask: number, cred?: Credentials): Promise<void> {
    await this.call({ op: 'access', access: { fh, mask } }, 'access', describe(fh), cred);
  }

  /** One page of entries after `cookie` (0: from the start). */
  async readdir(dir: Handle, cookie = 0, count = READDIR_PAGE_ENTRIES, cred?: Credentials): Promise<ReadDirRes> {
    return (await this.call({ op: 'readdir', readdir: { dir, cookie, count } }, 'readdir', describe(dir), cred)).readdir;
  }

  /** Every entry, following cookies page by page. */
  async readdirAll(dir: Handle, cred?: Credentials): Promise<DirEntry[]> {
    const entries: DirEntry[] = [];
    let cookie = 0;
    for (;;) {
      const page = await this.readdir(dir, cookie, READDIR_PAGE_ENTRIES, cred);
      entries.push(...page.entries);
      const last = page.entries.at(-1);
      if (page.eof || last === undefined) return entries;
      cookie = last.cookie;
    }
  }

  async read(fh: Handle, offset: number, count: number, cred?: Credentials): Promise<ReadRes> {
    return (await this.call({ op: 'read', read: { fh, offset, count } }, 'read', describe(fh), cred)).read;
  }

  /** With `append`, the replicas write at the end of file as they see it, ignoring `offset`. */
  async write(fh: Handle, offset: number, data: Uint8Array, options: { append?: boolean } = {}, cred?: Credentials): Promise<WriteRes> {
    const write = { fh, offset, data, append: options.append ?? false };
    return (await this.call({ op: 'write', write }, 'write', describe(fh), cred)).write;
  }

  async create(dir: Handle, name: string, mode: number, options: { exclusive?: boolean; truncate?: boolean } = {}, cred?: Credentials): Promise<CreateRes> {
    const create = { dir, name, mode, exclusive: options.exclusive ?? false, truncate: options.truncate ?? false };
    return (await this.call({ op: 'create', create }, 'create', `${name} in ${describe(dir)}`, cred)).create;
  }

  async mkdir(dir: Handle, name: string, mode: number, cred?: Credentials): Promise<CreateRes> {
    return (await this.call({ op: 'mkdir', mkdir: { dir, name, mode } }, 'create', `${name} in ${describe(dir)}`, cred)).create;
  }

  async symlink(dir: Handle, name: string, target: string, cred?: Credentials): Promise<CreateRes> {
    return (await this.call({ op: 'symlink', symlink: { dir, name, target } }, 'create', `${name} in ${describe(dir)}`, cred)).create;
  }

  async readlink(fh: Handle, cred?: Credentials): Promise<string> {
    return (await this.call({ op: 'readlink', readlink: { fh } }, 'readlink', describe(fh), cred)).readlink.target;
  }

  /** A new name `name` in `dir` for the existing file `fh`. */
  async link(fh: Handle, dir: Handle, name: string, cred?: Credentials): Promise<CreateRes> {
    return (await this.call({ op: 'link', link: { fh, dir, name } }, 'create', `${name} in ${describe(dir)}`, cred)).create;
  }

  async remove(dir: Handle, name: string, cred?: Credentials): Promise<RemoveRes> {
    return (await this.call({ op: 'remove', remove: { dir, name } }, 'remove', `${name} in ${describe(dir)}`, cred)).remove;
  }

  async rmdir(dir: Handle, name: string, cred?: Credentials): Promise<RemoveRes> {
    return (await this.call({ op: 'rmdir', rmdir: { dir, name } }, 'remove', `${name} in ${describe(dir)}`, cred)).remove;
  }

  async rename(fromDir: Handle, fromName: string, toDir: Handle, toName: string, cred?: Credentials): Promise<RenameRes> {
    const what = `${fromName} in ${describe(fromDir)} to ${toName} in ${describe(toDir)}`;
    return (await this.call({ op: 'rename', rename: { fromDir, fromName, toDir, toName } }, 'rename', what, cred)).rename;
  }

  async statfs(cred?: Credentials): Promise<StatFsRes> {
    return (await this.call({ op: 'statfs', statfs: {} }, 'statfs', '/', cred)).statfs;
  }

  // ── path helpers (for the CLI and tests; symlinks are not followed) ──

  /** The attributes of the file at an absolute path such as "/a/b" ("/" is the root). */
  async resolve(path: string, cred?: Credentials): Promise<Attr> {
    let attr = await this.getattr(this.root, cred);
    for (const name of splitPath(path)) {
      attr = await this.lookupPath(attr.fh, name, path, cred);
    }
    return attr;
  }

  /** The whole content of the regular file at `path`. */
  async readFile(path: string, cred?: Credentials): Promise<Uint8Array> {
    const { fh, size } = await this.resolve(path, cred);
    const out = new Uint8Array(size);
    let offset = 0;
    while (offset < out.length) {
      const { data, eof } = await this.read(fh, offset, Math.min(IO_CHUNK_BYTES, out.length - offset), cred);
      out.set(data, offset);
      offset += data.length;
      if (eof || data.length === 0) break;
    }
    return out.subarray(0, offset);
  }

  /** Create or truncate the file at `path` and write `data` into it. */
  async writeFile(path: string, data: Uint8Array, options: { mode?: number } = {}, cred?: Credentials): Promise<Attr> {
    const names = splitPath(path);
    const name = names.pop();
    if (name === undefined) throw new FsError(21 /* EISDIR */, `writeFile ${path}`);
    const dir = await this.resolve('/' + names.join('/'), cred);
    const mode = options.mode ?? 0o644;
    let { attr } = await this.wrapPath(path, this.create(dir.fh, name, mode, { truncate: true }, cred));
    for (let offset = 0; offset < data.length; offset += IO_CHUNK_BYTES) {
      attr = (await this.write(attr.fh, offset, data.subarray(offset, offset + IO_CHUNK_BYTES), {}, cred)).attr;
    }
    return attr;
  }

  async close(): Promise<void> {
    await this.invoker.close();
  }

  private lookupPath(dir: Handle, name: string, path: string, cred?: Credentials): Promise<Attr> {
    return this.wrapPath(path, this.lookup(dir, name, cred));
  }

  /** Re-throw an FsError with the path the caller gave, which says more than an inode number. */
  private async wrapPath<T>(path: string, promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (err) {
      if (err instanceof FsError) throw new FsError(err.errno, `${err.message.split(':')[0]} (path ${path})`);
      throw err;
    }
  }
}

/** "/a//b/" -> ["a", "b"]. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((name) => name !== '' && name !== '.');
}
