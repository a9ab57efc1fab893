// 4 real replica processes under a steady write load: one replica is SIGKILLed
// and comes back empty while the others move far beyond its log window; it
// catches up by state transfer, and then the group survives losing a
// different replica (so the first one really rejoined). Every acknowledged
// write reads back byte for byte.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Group, sleep } from '../e2e/group-harness.js';
import { connectGroupClient } from '../e2e/group-client.js';
import type { BfsClient } from '../../src/client/bfs-client.js';
import { ROOT_HANDLE } from '../../src/fs/file-tree.js';

let group: Group;
let client: BfsClient;

before(async () => {
  group = await Group.start();
  client = await connectGroupClient(group.configPath, group.clientKeyPaths[0]);
});

after(async () => {
  await client?.close();
  group?.stop();
});

/** File i's content: 1..8 KiB that depends on i. */
function contentOf(i: number): Uint8Array {
  const out = new Uint8Array(1024 * (1 + (i % 8)));
  for (let k = 0; k < out.length; k++) out[k] = (i * 31 + k * 7) & 0xff;
  return out;
}

async function writeFiles(c: BfsClient, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const { attr } = await c.create(ROOT_HANDLE, `f${i}`, 0o644, { exclusive: true });
    await c.write(attr.fh, 0, contentOf(i));
  }
}

async function checkFiles(c: BfsClient, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const attr = await c.lookup(ROOT_HANDLE, `f${i}`);
    const want = contentOf(i);
    const got = await c.read(attr.fh, 0, want.length + 1);
    assert.deepEqual(Buffer.from(got.data), Buffer.from(want), `file f${i}`);
  }
}

test('a replica restarted empty catches up by state transfer under load, then the group tolerates losing another', { timeout: 300_000 }, async () => {
  await group.explain(async () => {
    await writeFiles(client, 0, 30);
    group.kill(3);
    // 2 ops per file: 280 more sequence numbers, beyond replica 3's window (2K = 256).
    await writeFiles(client, 30, 170);
    group.startReplica(3);
    let loadDone = false;
    const load = writeFiles(client, 170, 230).finally(() => { loadDone = true; });
    const caughtUp = await group.waitFor((all) => {
      const s3 = all[3];
      const others = [all[0], all[1], all[2]].filter((s) => s !== null);
      return s3 !== null && others.length === 3 && s3.lastExecuted > 0 && s3.lastExecuted >= Math.min(...others.map((s) => s.stableSeq));
    }, 120_000, 'replica 3 caught up to the others\' stable checkpoint');
    assert.match(group.log(3), /state transfer done/);
    await load;
    assert.ok(loadDone);
    assert.ok((caughtUp[3]?.lastExecuted ?? 0) > 256, 'replica 3 is past a checkpoint far beyond its old log');
    // Replica 3 must be part of every quorum now.
    await group.waitFor((all) => (all[3]?.lastExecuted ?? 0) >= Math.max(...all.map((s) => s?.lastExecuted ?? 0)) - 4, 60_000, 'replica 3 executing in step');
    group.kill(1);
    await writeFiles(client, 230, 245);
    await sleep(100);
    await checkFiles(client, 245);
  });
});
