// Configured limits of one file tree. Every replica of a group must use the
// same limits: they decide errno results and the shape of the digest trees.
export interface FsLimits {
  nameBytesMax: number;   // one path component, UTF-8 bytes
  pathDepthMax: number;   // directories below the root
  fileBytesMax: number;   // size of one regular file
  totalBytesMax: number;  // allocated file blocks + symlink targets
  inodesMax: number;      // live inodes, root included
  blockBytes: number;     // allocation and hashing unit of file data
  ioBytesMax: number;     // largest read reply / write request
  linksMax: number;       // nlink of one inode
  symlinkBytesMax: number;
  clientsMax: number;     // entries of the last-reply table (one per client)
}

export const DEFAULT_LIMITS: FsLimits = {
  nameBytesMax: 255,
  pathDepthMax: 512,
  fileBytesMax: 2 ** 30,
  totalBytesMax: 2 ** 32,
  inodesMax: 1_000_000,
  blockBytes: 4096,
  ioBytesMax: 2 ** 20,
  linksMax: 65_000,
  symlinkBytesMax: 4095,
  clientsMax: 65_536,
};

export function resolveLimits(partial: Partial<FsLimits> | undefined): FsLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`fs limit ${name} must be a positive integer, got ${String(value)}`);
  }
  if (limits.blockBytes % 512 !== 0) throw new Error(`fs limit blockBytes must be a multiple of 512, got ${limits.blockBytes}`);
  return limits;
}
