// A sparse Merkle tree of fixed depth and fanout 16 over integer keys. Leaves
// are computed lazily: callers mark keys dirty on change and root() asks the
// leaf function only for those, then re-hashes only the dirty paths, so one
// changed leaf costs depth hashes of small nodes instead of a full rebuild.
// An empty subtree has no node and hashes to nothing (the root of an empty tree
// is 32 zero bytes); a node hashes its child bitmap and non-empty children.

export type HashFn = (data: Uint8Array) => Uint8Array;
export type LeafFn = (key: number) => Uint8Array | undefined;

const FANOUT = 16;
const LEVEL_SPAN = 2 ** 45; // node id = level * LEVEL_SPAN + index; keys stay below 2^45
export const EMPTY_ROOT = new Uint8Array(32);

export function depthFor(capacity: number): number {
  let depth = 1;
  while (FANOUT ** depth < capacity) depth++;
  return depth;
}

// A node hashes its child bitmap and its non-empty children; no children, no node.
function nodeHash(hash: HashFn, childAt: (i: number) => Uint8Array | undefined): Uint8Array | undefined {
  const children: Uint8Array[] = [];
  let bitmap = 0;
  for (let i = 0; i < FANOUT; i++) {
    const child = childAt(i);
    if (!child) continue;
    bitmap |= 1 << i;
    children.push(child);
  }
  if (children.length === 0) return undefined;
  const buf = new Uint8Array(3 + 32 * children.length);
  buf[0] = 0x4e; // 'N'
  buf[1] = bitmap >>> 8;
  buf[2] = bitmap & 0xff;
  children.forEach((child, i) => buf.set(child, 3 + 32 * i));
  return hash(buf);
}

export class HashTree {
  // Lazily created: most files are small or empty and need no stored nodes.
  private store: Map<number, Uint8Array> | undefined;
  private get nodes(): Map<number, Uint8Array> { return (this.store ??= new Map()); }
  private dirty: Set<number> | undefined;
  private rebuild = false;

  constructor(private depth: number) {}

  // Changes the depth (a file's tree grows and shrinks with its size): keeps
  // the leaves, drops every inner node and rebuilds them on the next root().
  resize(depth: number): void {
    if (depth === this.depth) return;
    for (const id of [...(this.store?.keys() ?? [])]) if (id >= LEVEL_SPAN) this.nodes.delete(id);
    this.depth = depth;
    this.rebuild = true;
  }

  // An independent copy: later changes to either tree do not show in the
  // other (the stored digests are never modified in place, so they are shared).
  clone(): HashTree {
    const copy = new HashTree(this.depth);
    if (this.store) copy.store = new Map(this.store);
    if (this.dirty) copy.dirty = new Set(this.dirty);
    copy.rebuild = this.rebuild;
    return copy;
  }

  markDirty(key: number): void {
    (this.dirty ??= new Set()).add(key);
  }


  node(level: number, index: number): Uint8Array | undefined {
    return this.store?.get(level * LEVEL_SPAN + index);
  }

  root(hash: HashFn, leafOf: LeafFn): Uint8Array {
    if (this.dirty || this.rebuild) this.refresh(hash, leafOf, this.dirty ?? new Set());
    this.dirty = undefined;
    this.rebuild = false;
    return this.node(this.depth, 0) ?? EMPTY_ROOT;
  }

  private refresh(hash: HashFn, leafOf: LeafFn, keys: Set<number>): void {
    let parents = new Set<number>();
    for (const key of keys) {
      const leaf = leafOf(key);
      if (leaf) this.nodes.set(key, leaf); else this.nodes.delete(key);
      parents.add(Math.floor(key / FANOUT));
    }
    if (this.rebuild) for (const id of this.nodes.keys()) if (id < LEVEL_SPAN) parents.add(Math.floor(id / FANOUT));
    for (let level = 1; level <= this.depth; level++) {
      const next = new Set<number>();
      for (const index of [...parents].sort((a, b) => a - b)) {
        this.rehash(hash, level, index);
        next.add(Math.floor(index / FANOUT));
      }
      parents = next;
    }
  }

  private rehash(hash: HashFn, level: number, index: number): void {
    const digest = nodeHash(hash, (i) => this.node(level - 1, index * FANOUT + i));
    const id = level * LEVEL_SPAN + index;
    if (digest) this.nodes.set(id, digest); else this.nodes.delete(id);
  }

  // The root of a tree of `depth` whose nodes at `level` are `nodes` (the
  // rest of that level empty): how a state-transfer client checks a listing of
  // partition digests against a certified root without the partitions.
  static rootFromLevel(hash: HashFn, depth: number, level: number, nodes: { index: number; digest: Uint8Array }[]): Uint8Array {
    let current = new Map(nodes.map((n) => [n.index, n.digest]));
    for (let l = level + 1; l <= depth; l++) {
      const parents = new Set([...current.keys()].map((i) => Math.floor(i / FANOUT)));
      const next = new Map<number, Uint8Array>();
      for (const index of parents) {
        const digest = nodeHash(hash, (i) => current.get(index * FANOUT + i));
        if (digest) next.set(index, digest);
      }
      current = next;
    }
    return current.get(0) ?? EMPTY_ROOT;
  }

  // Non-empty nodes of one level, ascending by index (used for partitions).
  level(level: number): { index: number; digest: Uint8Array }[] {
    const lo = level * LEVEL_SPAN;
    const out: { index: number; digest: Uint8Array }[] = [];
    for (const [id, digest] of this.nodes) if (id >= lo && id < lo + LEVEL_SPAN) out.push({ index: id - lo, digest });
    return out.sort((a, b) => a.index - b.index);
  }
}
