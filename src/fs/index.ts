// The replicated file tree: public API of src/fs.
export { FileTree, ROOT_HANDLE, PARTITION_INODES, CLIENT_PARTITION, type FileTreeOptions, type PartitionDigest, type PartitionImport, type PartitionChunk, type PartitionSegment } from './file-tree.js';
export type { ClientReply } from './client-table.js';
export { DEFAULT_LIMITS, type FsLimits } from './limits.js';
export { COOKIE_DOT, COOKIE_DOTDOT, READDIR_DEFAULT_COUNT } from './ops-read.js';
export * from './types.js';
