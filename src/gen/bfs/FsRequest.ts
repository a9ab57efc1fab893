// Original file: proto/bfs.proto

import type { Credentials as _bfs_Credentials, Credentials__Output as _bfs_Credentials__Output } from '../bfs/Credentials.js';
import type { GetAttrArgs as _bfs_GetAttrArgs, GetAttrArgs__Output as _bfs_GetAttrArgs__Output } from '../bfs/GetAttrArgs.js';
import type { SetAttrArgs as _bfs_SetAttrArgs, SetAttrArgs__Output as _bfs_SetAttrArgs__Output } from '../bfs/SetAttrArgs.js';
import type { LookupArgs as _bfs_LookupArgs, LookupArgs__Output as _bfs_LookupArgs__Output } from '../bfs/LookupArgs.js';
import type { AccessArgs as _bfs_AccessArgs, AccessArgs__Output as _bfs_AccessArgs__Output } from '../bfs/AccessArgs.js';
import type { ReadDirArgs as _bfs_ReadDirArgs, ReadDirArgs__Output as _bfs_ReadDirArgs__Output } from '../bfs/ReadDirArgs.js';
import type { ReadArgs as _bfs_ReadArgs, ReadArgs__Output as _bfs_ReadArgs__Output } from '../bfs/ReadArgs.js';
import type { WriteArgs as _bfs_WriteArgs, WriteArgs__Output as _bfs_WriteArgs__Output } from '../bfs/WriteArgs.js';
import type { CreateArgs as _bfs_CreateArgs, CreateArgs__Output as _bfs_CreateArgs__Output } from '../bfs/CreateArgs.js';
import type { MkdirArgs as _bfs_MkdirArgs, MkdirArgs__Output as _bfs_MkdirArgs__Output } from '../bfs/MkdirArgs.js';
import type { SymlinkArgs as _bfs_SymlinkArgs, SymlinkArgs__Output as _bfs_SymlinkArgs__Output } from '../bfs/SymlinkArgs.js';
import type { ReadLinkArgs as _bfs_ReadLinkArgs, ReadLinkArgs__Output as _bfs_ReadLinkArgs__Output } from '../bfs/ReadLinkArgs.js';
import type { LinkArgs as _bfs_LinkArgs, LinkArgs__Output as _bfs_LinkArgs__Output } from '../bfs/LinkArgs.js';
import type { RemoveArgs as _bfs_RemoveArgs, RemoveArgs__Output as _bfs_RemoveArgs__Output } from '../bfs/RemoveArgs.js';
import type { RmdirArgs as _bfs_RmdirArgs, RmdirArgs__Output as _bfs_RmdirArgs__Output } from '../bfs/RmdirArgs.js';
import type { RenameArgs as _bfs_RenameArgs, RenameArgs__Output as _bfs_RenameArgs__Output } from '../bfs/RenameArgs.js';
import type { StatFsArgs as _bfs_StatFsArgs, StatFsArgs__Output as _bfs_StatFsArgs__Output } from '../bfs/StatFsArgs.js';

export interface FsRequest {
  'cred'?: (_bfs_Credentials | null);
  'getattr'?: (_bfs_GetAttrArgs | null);
  'setattr'?: (_bfs_SetAttrArgs | null);
  'lookup'?: (_bfs_LookupArgs | null);
  'access'?: (_bfs_AccessArgs | null);
  'readdir'?: (_bfs_ReadDirArgs | null);
  'read'?: (_bfs_ReadArgs | null);
  'write'?: (_bfs_WriteArgs | null);
  'create'?: (_bfs_CreateArgs | null);
  'mkdir'?: (_bfs_MkdirArgs | null);
  'symlink'?: (_bfs_SymlinkArgs | null);
  'readlink'?: (_bfs_ReadLinkArgs | null);
  'link'?: (_bfs_LinkArgs | null);
  'remove'?: (_bfs_RemoveArgs | null);
  'rmdir'?: (_bfs_RmdirArgs | null);
  'rename'?: (_bfs_RenameArgs | null);
  'statfs'?: (_bfs_StatFsArgs | null);
  'op'?: "getattr"|"setattr"|"lookup"|"access"|"readdir"|"read"|"write"|"create"|"mkdir"|"symlink"|"readlink"|"link"|"remove"|"rmdir"|"rename"|"statfs";
}

export interface FsRequest__Output {
  'cred': (_bfs_Credentials__Output | null);
  'getattr'?: (_bfs_GetAttrArgs__Output | null);
  'setattr'?: (_bfs_SetAttrArgs__Output | null);
  'lookup'?: (_bfs_LookupArgs__Output | null);
  'access'?: (_bfs_AccessArgs__Output | null);
  'readdir'?: (_bfs_ReadDirArgs__Output | null);
  'read'?: (_bfs_ReadArgs__Output | null);
  'write'?: (_bfs_WriteArgs__Output | null);
  'create'?: (_bfs_CreateArgs__Output | null);
  'mkdir'?: (_bfs_MkdirArgs__Output | null);
  'symlink'?: (_bfs_SymlinkArgs__Output | null);
  'readlink'?: (_bfs_ReadLinkArgs__Output | null);
  'link'?: (_bfs_LinkArgs__Output | null);
  'remove'?: (_bfs_RemoveArgs__Output | null);
  'rmdir'?: (_bfs_RmdirArgs__Output | null);
  'rename'?: (_bfs_RenameArgs__Output | null);
  'statfs'?: (_bfs_StatFsArgs__Output | null);
  'op'?: "getattr"|"setattr"|"lookup"|"access"|"readdir"|"read"|"write"|"create"|"mkdir"|"symlink"|"readlink"|"link"|"remove"|"rmdir"|"rename"|"statfs";
}
