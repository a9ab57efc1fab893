// Permission checks as Linux does them (generic_permission, inode_owner_or_capable,
// in_group_p), with the caller's credentials taken from the request.
import type { LiveInode } from './inode.js';
import type { Credentials } from './types.js';

export const R_OK = 4;
export const W_OK = 2;
export const X_OK = 1;

export function isRoot(cred: Credentials): boolean {
  return cred.uid === 0;
}

export function inGroup(cred: Credentials, gid: number): boolean {
  return cred.gid === gid || cred.groups.includes(gid);
}

// The rwx bits of the one class (owner, group, other) that applies: Linux uses
// the owner class alone when the uid matches, even if group bits grant more.
function classBits(node: LiveInode, cred: Credentials): number {
  if (cred.uid === node.uid) return (node.mode >> 6) & 7;
  if (inGroup(cred, node.gid)) return (node.mode >> 3) & 7;
  return node.mode & 7;
}

// Root may read and write anything, and execute a directory or any file with
// at least one x bit.
export function mayAccess(node: LiveInode, cred: Credentials, mask: number): boolean {
  const want = mask & 7;
  if (isRoot(cred)) {
    if (!(want & X_OK)) return true;
    return node.kind === 'dir' || (node.mode & 0o111) !== 0;
  }
  return (classBits(node, cred) & want) === want;
}

export function isOwnerOrRoot(node: LiveInode, cred: Credentials): boolean {
  return isRoot(cred) || cred.uid === node.uid;
}

// Sticky directories: only the owner of the entry, of the directory, or root
// may remove or rename it.
export function stickyBlocks(dir: LiveInode, victim: LiveInode, cred: Credentials): boolean {
  if (!(dir.mode & 0o1000) || isRoot(cred)) return false;
  return cred.uid !== victim.uid && cred.uid !== dir.uid;
}

// fs.protected_hardlinks = 1 (the Linux default): a non-owner may hard-link
// only a regular, non-setuid, non-executable-setgid file it can read and write.
export function mayHardLink(node: LiveInode, cred: Credentials): boolean {
  if (isOwnerOrRoot(node, cred)) return true;
  if (node.kind !== 'reg') return false;
  if (node.mode & 0o4000) return false;
  if ((node.mode & 0o2010) === 0o2010) return false;
  return mayAccess(node, cred, R_OK | W_OK);
}
