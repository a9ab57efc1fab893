// `bfs replica --data DIR` keeps the last stable checkpoint on disk as a
// manifest and segment files per partition. A replica one of whose files
// rotted refuses that file, says so in its log naming it, takes the partitions
// that still verify from its disk and fetches only the others from the
// replicas, and later writes a good file again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Group, metricValue } from '../e2e/group-harness.js';
import { connectGroupClient } from '../e2e/group-client.js';
import type { BfsClient } from '../../src/client/bfs-client.js';
import type { Attr } from '../../src/fs/types.js';
import { FileTree, ROOT_HANDLE } from '../../src/fs/file-tree.js';
import { readManifest, type Manifest } from '../../src/replica/persistence/manifest-file.js';
import { PARTITIONS_DIR, loadPartitionFiles, segmentFileName } from '../../src/replica/persistence/segment-file.js';

const dataRoot = mkdtempSync(join(tmpdir(), 'bfs-data-'));
const dataDir = (id: number): string => join(dataRoot, `replica-${id}`);
const treeOptions = { hash: (d: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(d).digest()) };
let group: Group;
let client: BfsClient;
const files: Attr[] = [];

before(async () => {
  group = await Group.start({ replicaArgs: Object.fromEntries([0, 1, 2, 3].map((id) => [id, ['--data', dataDir(id)]])) });
  client = await connectGroupClient(group.configPath, group.clientKeyPaths[0]);
});

after(async () => {
  await client?.close();
  group?.stop();
  rmSync(dataRoot, { recursive: true, force: true });
});

function manifestOf(id: number): Manifest | null {
  const m = readManifest(dataDir(id));
  return m && typeof m !== 'string' ? m : null;
}

/** `ops` writes into the first 100 files: inodes 2..101, all in partition 0. */
async function writePartitionZero(ops: number, round: number): Promise<void> {
  for (let k = 0; k < ops; k++) await client.write(files[k % 100].fh, 0, new TextEncoder().encode(`round ${round} op ${k}\n`));
}

test('a rotten partition file is refused by name, the others are used, only the rest is fetched', { timeout: 300_000 }, async () => {
  await group.explain(async () => {
    // Inodes 2..561 (one op each): partitions 0, 1 and 2.
    for (let i = 0; i < 560; i++) files.push((await client.create(ROOT_HANDLE, `g${i}`, 0o644, { exclusive: true })).attr);
    // Past the checkpoint that holds every create (640), and written by every replica.
    await writePartitionZero(100, 0);
    await group.waitFor(() => [0, 1, 2, 3].every((id) => (manifestOf(id)?.seq ?? 0) >= 640), 60_000, 'every replica wrote checkpoint 640');
    group.kill(2);
    const m = manifestOf(2);
    assert.ok(m);
    assert.deepEqual(m.partitions.map((p) => p.index), [0, 1, 2, 0xffffffff]);
    assert.equal(m.partitions[1].segments.length, 1, 'no big files: one segment per partition');
    const name = segmentFileName(1, m.partitions[1].segments[0]);
    const path = join(dataDir(2), PARTITIONS_DIR, name);
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(path, bytes);
    // Meanwhile the group changes partition 0 (and the last-reply table) only, past another checkpoint.
    await writePartitionZero(140, 1);
    const [s0] = await group.waitFor((all) => (all[0]?.stableSeq ?? 0) >= m.seq + 128, 60_000, 'a newer stable checkpoint');
    group.startReplica(2);
    await group.waitFor((all) => (all[2]?.lastExecuted ?? 0) >= (s0?.stableSeq ?? Infinity), 90_000, 'replica 2 caught up');
    const log = group.log(2);
    assert.match(log, new RegExp(`refusing a partition file of checkpoint ${m.seq}: [^"]*${name}`));
    assert.match(log, /state transfer done/);
    // Partition 2 came from disk; partition 0 (changed), 1 (rotten) and the last-reply table (changed) from the others.
    const metrics = await group.scrape(2);
    assert.equal(metricValue(metrics, 'bfs_state_transfer_partitions_total', { from: 'local' }), 1);
    assert.equal(metricValue(metrics, 'bfs_state_transfer_partitions_total', { from: 'network' }), 3);
    // At a later checkpoint replica 2 wrote partition 1 again, and the file verifies.
    await writePartitionZero(140, 2);
    await group.waitFor(() => (manifestOf(2)?.seq ?? 0) > (s0?.stableSeq ?? Infinity), 60_000, 'replica 2 wrote a later checkpoint');
    const again = manifestOf(2);
    assert.ok(again);
    assert.equal(segmentFileName(1, again.partitions[1].segments[0]), name, 'partition 1 did not change');
    assert.doesNotThrow(() => loadPartitionFiles(join(dataDir(2), PARTITIONS_DIR), again.partitions[1], new FileTree(treeOptions, true)));
  });
});
