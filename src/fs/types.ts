// Types of the file service's requests and results. They mirror proto/bfs.proto
// field for field, shaped exactly as protobufjs
// toObject(msg, { longs: Number, enums: String, defaults: true, oneofs: true })
// shapes them: camelCase, 64-bit ints as number, bytes as Uint8Array, enums as
// their names, each oneof as a discriminator field plus the chosen member, and
// proto3 `optional` fields absent when unset. The codec converts between these
// and wire bytes; the file tree only ever sees these shapes.

export interface Handle { ino: number; gen: number }

export interface Timespec { sec: number; nsec: number }

export type FileType = 'FT_UNKNOWN' | 'FT_REG' | 'FT_DIR' | 'FT_LNK';

export interface Attr {
  fh: Handle;
  type: FileType;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  size: number;
  blocks: number;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
}

export interface Credentials { uid: number; gid: number; groups: number[] }

export interface GetAttrArgs { fh: Handle }
export interface SetAttrArgs {
  fh: Handle;
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  atime?: Timespec;
  mtime?: Timespec;
  atimeNow: boolean;
  mtimeNow: boolean;
}
export interface LookupArgs { dir: Handle; name: string }
export interface AccessArgs { fh: Handle; mask: number }
export interface ReadDirArgs { dir: Handle; cookie: number; count: number }
export interface ReadArgs { fh: Handle; offset: number; count: number }
export interface WriteArgs { fh: Handle; offset: number; data: Uint8Array; append: boolean }
export interface CreateArgs { dir: Handle; name: string; mode: number; exclusive: boolean; truncate: boolean }
export interface MkdirArgs { dir: Handle; name: string; mode: number }
export interface SymlinkArgs { dir: Handle; name: string; target: string }
export interface ReadLinkArgs { fh: Handle }
export interface LinkArgs { fh: Handle; dir: Handle; name: string }
export interface RemoveArgs { dir: Handle; name: string }
export interface RmdirArgs { dir: Handle; name: string }
export interface RenameArgs { fromDir: Handle; fromName: string; toDir: Handle; toName: string }
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface StatFsArgs {}

export type FsOp =
  | { op: 'getattr'; getattr: GetAttrArgs }
  | { op: 'setattr'; setattr: SetAttrArgs }
  | { op: 'lookup'; lookup: LookupArgs }
  | { op: 'access'; access: AccessArgs }
  | { op: 'readdir'; readdir: ReadDirArgs }
  | { op: 'read'; read: ReadArgs }
  | { op: 'write'; write: WriteArgs }
  | { op: 'create'; create: CreateArgs }
  | { op: 'mkdir'; mkdir: MkdirArgs }
  | { op: 'symlink'; symlink: SymlinkArgs }
  | { op: 'readlink'; readlink: ReadLinkArgs }
  | { op: 'link'; link: LinkArgs }
  | { op: 'remove'; remove: RemoveArgs }
  | { op: 'rmdir'; rmdir: RmdirArgs }
  | { op: 'rename'; rename: RenameArgs }
  | { op: 'statfs'; statfs: StatFsArgs };

export type FsOpName = FsOp['op'];

export type FsRequest = { cred: Credentials } & FsOp;

export interface DirEntry { name: string; fh: Handle; type: FileType; cookie: number }

export interface AttrRes { attr: Attr }
export interface LookupRes { attr: Attr }
export interface ReadDirRes { entries: DirEntry[]; eof: boolean; dirAttr: Attr }
export interface ReadRes { data: Uint8Array; eof: boolean; attr: Attr }
export interface WriteRes { count: number; attr: Attr }
export interface CreateRes { attr: Attr; dirAttr: Attr }
export interface ReadLinkRes { target: string }
export interface RemoveRes { dirAttr: Attr }
export interface RenameRes { fromDirAttr: Attr; toDirAttr: Attr }
export interface StatFsRes {
  bsize: number; blocks: number; bfree: number; bavail: number;
  files: number; ffree: number; namemax: number;
}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AccessRes {}

export type FsResBody =
  | { res: 'attr'; attr: AttrRes }
  | { res: 'lookup'; lookup: LookupRes }
  | { res: 'readdir'; readdir: ReadDirRes }
  | { res: 'read'; read: ReadRes }
  | { res: 'write'; write: WriteRes }
  | { res: 'create'; create: CreateRes }
  | { res: 'readlink'; readlink: ReadLinkRes }
  | { res: 'remove'; remove: RemoveRes }
  | { res: 'rename'; rename: RenameRes }
  | { res: 'statfs'; statfs: StatFsRes }
  | { res: 'access'; access: AccessRes };

// An error result carries no body (`res` absent); a success carries errno 0 and
// the body for its op (create/mkdir/symlink/link -> 'create', remove/rmdir ->
// 'remove', getattr/setattr -> 'attr').
export type FsResult = { errno: number } & (FsResBody | { res?: undefined });

export const EPERM = 1;
export const ENOENT = 2;
export const EIO = 5;
export const EBADF = 9;
export const EACCES = 13;
export const EBUSY = 16;
export const EEXIST = 17;
export const EXDEV = 18;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const EFBIG = 27;
export const ENOSPC = 28;
export const EROFS = 30;
export const EMLINK = 31;
export const ENAMETOOLONG = 36;
export const ENOSYS = 38;
export const ENOTEMPTY = 39;
export const ELOOP = 40;
export const ESTALE = 116;

const READ_ONLY_OPS: ReadonlySet<string> = new Set(['getattr', 'lookup', 'access', 'readdir', 'read', 'readlink', 'statfs']);

// Read-only ops change no state (reads do not update atime), so they may take
// the read-only path and FileTree.query.
export function isReadOnlyOp(req: FsRequest): boolean {
  return READ_ONLY_OPS.has(req.op);
}
