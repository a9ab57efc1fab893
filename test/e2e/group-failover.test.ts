// A real group: 4 replica processes over gRPC. A few hundred mixed file
// operations, the primary SIGKILLed in the middle; every operation completes
// with the results a lone FileTree gives, and `bfs status` shows the new view.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BFS_BIN, Group } from './group-harness.js';
import { connectGroupClient, localClient, runSteps, workload } from './group-client.js';
import type { BfsClient } from '../../src/client/bfs-client.js';

const execFileAsync = promisify(execFile);
const OPS = 200;
const KILL_AT = 80;

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

test('every operation completes with the lone-tree results across a primary crash; status shows the new view', { timeout: 300_000 }, async () => {
  const steps = workload(7, OPS);
  const expected = await runSteps(localClient(), steps);
  let killed = -1;
  await group.explain(async () => {
    const got = await runSteps(client, steps, async (i) => {
      if (i !== KILL_AT) return;
      const primary = (await group.status(1))?.primary ?? 0;
      group.kill(primary);
      killed = primary;
    });
    for (let i = 0; i < OPS; i++) assert.deepEqual(got[i], expected[i], `step ${i}: ${steps[i].name}`);
  });
  assert.notEqual(killed, -1);

  const statuses = await group.waitFor((all) => all.filter((s) => s && s.view > 0).length >= 3, 60_000, 'three replicas in a view > 0');
  const { stdout } = await execFileAsync(process.execPath, [BFS_BIN, 'status', '--config', group.configPath, '--timeout', '3000']);
  const view = Math.max(...statuses.map((s) => s?.view ?? 0));
  assert.match(stdout, new RegExp(`^view ${view}, primary replica ${view % 4}; 3/4 answering`, 'm'));
  assert.match(stdout, new RegExp(`^${killed}\\s+127\\.0\\.0\\.1:\\d+\\s+no`, 'm'), 'the killed replica does not answer');
  assert.notEqual(view % 4, killed, 'the new primary is not the crashed one');
});
