// `bfs replica --data DIR` keeps the last stable checkpoint on disk. A replica
// whose checkpoint file rotted refuses it, says so in its log, and recovers
// the state from the other replicas by state transfer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Group } from '../e2e/group-harness.js';
import { connectGroupClient } from '../e2e/group-client.js';
import type { BfsClient } from '../../src/client/bfs-client.js';
import { ROOT_HANDLE } from '../../src/fs/file-tree.js';
import { CHECKPOINT_FILE, corruptCheckpointFile, readCheckpointFile } from '../../src/replica/persistence/checkpoint-file.js';

const dataRoot = mkdtempSync(join(tmpdir(), 'bfs-data-'));
const dataDir = (id: number): string => join(dataRoot, `replica-${id}`);
let group: Group;
let client: BfsClient;

before(async () => {
  group = await Group.start({ replicaArgs: Object.fromEntries([0, 1, 2, 3].map((id) => [id, ['--data', dataDir(id)]])) });
  client = await connectGroupClient(group.configPath, group.clientKeyPaths[0]);
});

after(async () => {
  await client?.close();
  group?.stop();
  rmSync(dataRoot, { recursive: true, force: true });
});

async function writeFiles(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const { attr } = await client.create(ROOT_HANDLE, `g${i}`, 0o644, { exclusive: true });
    await client.write(attr.fh, 0, new TextEncoder().encode(`content of g${i}\n`.repeat(1 + (i % 50))));
  }
}

test('a corrupted checkpoint file is refused with a log line and the replica recovers from the others', { timeout: 240_000 }, async () => {
  await group.explain(async () => {
    // 2 ops per file: past the first checkpoint (K = 128).
    await writeFiles(0, 80);
    await group.waitFor(() => [0, 1, 2, 3].every((id) => existsSync(join(dataDir(id), CHECKPOINT_FILE))), 30_000, 'every replica wrote its checkpoint file');
    const before = readCheckpointFile(dataDir(2));
    assert.ok(before && typeof before !== 'string' && before.seq >= 128, `a valid checkpoint on disk: ${String(before && typeof before !== 'string' ? before.seq : before)}`);
    group.kill(2);
    corruptCheckpointFile(dataDir(2));
    assert.match(String(readCheckpointFile(dataDir(2))), /checksum mismatch/);
    await writeFiles(80, 150);
    group.startReplica(2);
    await writeFiles(150, 180);
    await group.waitFor((all) => {
      const s2 = all[2];
      return s2 !== null && s2.lastExecuted >= Math.min(...[0, 1, 3].map((id) => all[id]?.stableSeq ?? Infinity)) && s2.lastExecuted >= 256;
    }, 90_000, 'replica 2 caught up');
    const log = group.log(2);
    assert.match(log, /refusing the checkpoint file: .*checksum mismatch/);
    assert.match(log, /state transfer done/);
    // It rewrote a good file at a later checkpoint.
    await group.waitFor(() => {
      const cp = readCheckpointFile(dataDir(2));
      return cp !== null && typeof cp !== 'string' && cp.seq > 128;
    }, 60_000, 'replica 2 wrote a valid checkpoint file again');
  });
});
