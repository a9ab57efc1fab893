// A partition's unit stream (partition-chunks.ts) cut into segments whose keys
// change only when their content does, for storage that rewrites only what
// changed (the replica's checkpoint on disk). A partition holds 256 inodes
// of any size, so one 4 KiB write into a 1 GiB file would otherwise make the
// whole partition new; here that file is its head plus runs of
// SEGMENT_BLOCKS blocks, and only the run written (and the head) change.
//
// Segments, in the stream's order:
//   inodes  every unit of inodes lo..hi-1 (a maximal stretch of inodes that
//           are not big files); key: hash of their inode digests
//   head    a big file's head (metadata and block count); key: its inode digest
//   blocks  its blocks first..first+SEGMENT_BLOCKS-1 (only runs holding a
//           block); key: the node of the file's digest tree over exactly those
//           block indexes (fanout 16, level 2: 256 blocks)
//   clients the last-reply table (CLIENT_PARTITION); key: the table's root
// Every key also covers the partition index and the segment's position, and
// all digests are the tree's own (computed by digest() before): listing the
// segments hashes a few bytes per inode, never file data.
//
// The concatenated chunks of a partition's segments are a valid chunk
// sequence for PartitionImport, which checks the whole partition's digest.
import { ByteWriter } from './bytes.js';
import { ClientTable } from './client-table.js';
import { EMPTY_ROOT } from './hash-tree.js';
import type { RegInode } from './inode.js';
import { CLIENT_PARTITION, PARTITION_INODES, encodeCursor, exportChunk, type PartitionChunk, type PartitionSide } from './partition-chunks.js';
import { Store, freezeInode, shareBlocks } from './store.js';

/** Blocks per `blocks` segment: one level-2 node of a file's digest tree (fanout 16). */
export const SEGMENT_BLOCKS = 256;
const SEGMENT_LEVEL = 2;

export type PartitionSegment =
  | { kind: 'inodes'; lo: number; hi: number; key: Uint8Array }
  | { kind: 'head'; ino: number; key: Uint8Array }
  | { kind: 'blocks'; ino: number; first: number; key: Uint8Array }
  | { kind: 'clients'; key: Uint8Array };

const KIND_TAGS = { inodes: 1, head: 2, blocks: 3, clients: 4 } as const;

/** A regular file spanning more block indexes than one segment holds gets segments of its own. */
function isBig(side: PartitionSide, ino: number): boolean {
  const node = side.store.table.get(ino);
  return node?.kind === 'reg' && Math.ceil(node.size / side.limits.blockBytes) > SEGMENT_BLOCKS;
}

/** The segments of partition `index`, in stream order. The caller has computed the tree's digest. */
export function partitionSegments(side: PartitionSide, index: number): PartitionSegment[] {
  const key = (kind: PartitionSegment['kind'], fill: (w: ByteWriter) => void): Uint8Array => {
    const w = new ByteWriter().str('bfs-segment-v1').u8(KIND_TAGS[kind]).u53(index);
    fill(w);
    return side.hash(w.finish());
  };
  if (index === CLIENT_PARTITION) {
    const root = side.clients.root();
    return root.every((b, i) => b === EMPTY_ROOT[i]) ? [] : [{ kind: 'clients', key: key('clients', (w) => w.raw(root)) }];
  }
  const out: PartitionSegment[] = [];
  const tree = side.store.inodeTree;
  const lo = index * PARTITION_INODES;
  let stretch: ByteWriter | undefined;
  let stretchLo = 0;
  const close = (hi: number): void => {
    if (stretch) out.push({ kind: 'inodes', lo: stretchLo, hi, key: key('inodes', (w) => w.u53(stretchLo).u53(hi).raw(stretch?.finish() ?? new Uint8Array(0))) });
    stretch = undefined;
  };
  for (let ino = Math.max(lo, 1); ino < lo + PARTITION_INODES; ino++) {
    const node = side.store.table.get(ino);
    if (!node) continue;
    const digest = tree.node(0, ino) ?? new Uint8Array(32);
    if (!isBig(side, ino) || node.kind !== 'reg') {
      if (!stretch) { stretch = new ByteWriter(); stretchLo = ino; }
      stretch.u53(ino).raw(digest);
      continue;
    }
    close(ino);
    out.push({ kind: 'head', ino, key: key('head', (w) => w.u53(ino).raw(digest)) });
    const runs = Math.ceil(Math.ceil(node.size / side.limits.blockBytes) / SEGMENT_BLOCKS);
    for (let k = 0; k < runs; k++) {
      const run = node.tree.node(SEGMENT_LEVEL, k);
      if (!run) continue;   // a hole: no block, no segment
      const first = k * SEGMENT_BLOCKS;
      out.push({ kind: 'blocks', ino, first, key: key('blocks', (w) => w.u53(ino).u53(first).raw(run)) });
    }
  }
  close(lo + PARTITION_INODES);
  return out;
}

/**
 * The units of `segment` of partition `index` from `cursor` (undefined: the
 * segment's start) on, at most `bytesMax` bytes (at least one unit); `done`
 * when the segment is exhausted.
 */
export function exportSegmentChunk(side: PartitionSide, index: number, segment: PartitionSegment, cursor: Uint8Array | undefined, bytesMax: number): PartitionChunk {
  switch (segment.kind) {
    case 'clients':
      return exportChunk(side, index, cursor, bytesMax);
    case 'inodes':
      return exportChunk(side, index, cursor, bytesMax, { inoFrom: segment.lo, inoTo: segment.hi, blockTo: Infinity });
    case 'head':
      return exportChunk(side, index, cursor, bytesMax, { inoFrom: segment.ino, inoTo: segment.ino + 1, blockTo: 0 });
    case 'blocks': {
      // As if the head had been sent: its blocks from `first` on, and no further inode.
      const start = cursor ?? encodeCursor({ ino: segment.ino, block: segment.first, name: '', client: 0 });
      return exportChunk(side, index, start, bytesMax, { inoFrom: segment.ino + 1, inoTo: segment.ino + 1, blockTo: segment.first + SEGMENT_BLOCKS });
    }
  }
}

/**
 * Segments of one partition as they are now, for exporting later while the
 * tree moves on: the stretches' inodes are copied (file blocks shared,
 * copy-on-write), a big file's runs hold only their own blocks (shared), and
 * heads are exported at once (one small unit). Costs the metadata of what is
 * frozen, never file data and never a big file's whole block map.
 */
export class FrozenSegments {
  private readonly side: PartitionSide;
  private readonly heads = new Map<number, Uint8Array>();

  constructor(source: PartitionSide, readonly index: number, segments: readonly PartitionSegment[]) {
    const store = new Store(source.limits, source.hash);
    const clients = new ClientTable(source.hash, source.limits.clientsMax);
    this.side = { store, clients, limits: source.limits, hash: source.hash };
    for (const seg of segments) {
      if (seg.kind === 'clients') clients.replaceAll(source.clients.list());
      // One unit: a chunk always holds at least one, so a bytesMax of 1 sizes its buffer for the head alone.
      if (seg.kind === 'head') this.heads.set(seg.ino, exportSegmentChunk(source, index, seg, undefined, 1).bytes.slice());
      if (seg.kind === 'inodes') {
        for (let ino = seg.lo; ino < seg.hi; ino++) {
          const node = source.store.table.get(ino);
          if (node) store.table.set(ino, freezeInode(node));
        }
      }
      if (seg.kind === 'blocks') {
        const node = source.store.table.get(seg.ino);
        if (node?.kind !== 'reg') throw new Error(`fs: segment of inode ${seg.ino}, not a regular file`);
        const into = store.table.get(seg.ino) as RegInode | undefined;
        store.table.set(seg.ino, shareBlocks(node, seg.first, seg.first + SEGMENT_BLOCKS, into));
      }
    }
  }

  /** Like exportSegmentChunk on the tree as it was; `segment` must be one of those frozen. */
  exportChunk(segment: PartitionSegment, cursor: Uint8Array | undefined, bytesMax: number): PartitionChunk {
    if (segment.kind !== 'head') return exportSegmentChunk(this.side, this.index, segment, cursor, bytesMax);
    const bytes = this.heads.get(segment.ino);
    if (!bytes) throw new Error(`fs: the head of inode ${segment.ino} was not frozen`);
    return { bytes, done: true, next: new Uint8Array(0) };
  }
}
