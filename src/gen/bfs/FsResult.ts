// Original file: proto/bfs.proto

import type { AttrRes as _bfs_AttrRes, AttrRes__Output as _bfs_AttrRes__Output } from '../bfs/AttrRes.js';
import type { LookupRes as _bfs_LookupRes, LookupRes__Output as _bfs_LookupRes__Output } from '../bfs/LookupRes.js';
import type { ReadDirRes as _bfs_ReadDirRes, ReadDirRes__Output as _bfs_ReadDirRes__Output } from '../bfs/ReadDirRes.js';
import type { ReadRes as _bfs_ReadRes, ReadRes__Output as _bfs_ReadRes__Output } from '../bfs/ReadRes.js';
import type { WriteRes as _bfs_WriteRes, WriteRes__Output as _bfs_WriteRes__Output } from '../bfs/WriteRes.js';
import type { CreateRes as _bfs_CreateRes, CreateRes__Output as _bfs_CreateRes__Output } from '../bfs/CreateRes.js';
import type { ReadLinkRes as _bfs_ReadLinkRes, ReadLinkRes__Output as _bfs_ReadLinkRes__Output } from '../bfs/ReadLinkRes.js';
import type { RemoveRes as _bfs_RemoveRes, RemoveRes__Output as _bfs_RemoveRes__Output } from '../bfs/RemoveRes.js';
import type { RenameRes as _bfs_RenameRes, RenameRes__Output as _bfs_RenameRes__Output } from '../bfs/RenameRes.js';
import type { StatFsRes as _bfs_StatFsRes, StatFsRes__Output as _bfs_StatFsRes__Output } from '../bfs/StatFsRes.js';
import type { AccessRes as _bfs_AccessRes, AccessRes__Output as _bfs_AccessRes__Output } from '../bfs/AccessRes.js';

export interface FsResult {
  /**
   * 0 on success, else a positive POSIX errno (ENOENT = 2 ...)
   */
  'errno'?: (number);
  /**
   * getattr, setattr
   */
  'attr'?: (_bfs_AttrRes | null);
  'lookup'?: (_bfs_LookupRes | null);
  'readdir'?: (_bfs_ReadDirRes | null);
  'read'?: (_bfs_ReadRes | null);
  'write'?: (_bfs_WriteRes | null);
  /**
   * create, mkdir, symlink, link
   */
  'create'?: (_bfs_CreateRes | null);
  'readlink'?: (_bfs_ReadLinkRes | null);
  /**
   * remove, rmdir
   */
  'remove'?: (_bfs_RemoveRes | null);
  'rename'?: (_bfs_RenameRes | null);
  'statfs'?: (_bfs_StatFsRes | null);
  'access'?: (_bfs_AccessRes | null);
  'res'?: "attr"|"lookup"|"readdir"|"read"|"write"|"create"|"readlink"|"remove"|"rename"|"statfs"|"access";
}

export interface FsResult__Output {
  /**
   * 0 on success, else a positive POSIX errno (ENOENT = 2 ...)
   */
  'errno': (number);
  /**
   * getattr, setattr
   */
  'attr'?: (_bfs_AttrRes__Output | null);
  'lookup'?: (_bfs_LookupRes__Output | null);
  'readdir'?: (_bfs_ReadDirRes__Output | null);
  'read'?: (_bfs_ReadRes__Output | null);
  'write'?: (_bfs_WriteRes__Output | null);
  /**
   * create, mkdir, symlink, link
   */
  'create'?: (_bfs_CreateRes__Output | null);
  'readlink'?: (_bfs_ReadLinkRes__Output | null);
  /**
   * remove, rmdir
   */
  'remove'?: (_bfs_RemoveRes__Output | null);
  'rename'?: (_bfs_RenameRes__Output | null);
  'statfs'?: (_bfs_StatFsRes__Output | null);
  'access'?: (_bfs_AccessRes__Output | null);
  'res'?: "attr"|"lookup"|"readdir"|"read"|"write"|"create"|"readlink"|"remove"|"rename"|"statfs"|"access";
}
