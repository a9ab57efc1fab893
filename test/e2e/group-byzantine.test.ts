// One replica of a real group plays Byzantine (f = 1): clients still get the
// results a lone FileTree gives, for every operation.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Group } from './group-harness.js';
import { connectGroupClient, localClient, runSteps, workload } from './group-client.js';
import type { BfsClient } from '../../src/client/bfs-client.js';

const OPS = 100;

let group: Group | undefined;
let client: BfsClient | undefined;

afterEach(async () => {
  await client?.close();
  group?.stop();
  client = undefined;
  group = undefined;
});

async function runWith(replica: number, behaviour: string, seed: number): Promise<void> {
  group = await Group.start({ replicaArgs: { [replica]: ['--byzantine', behaviour] } });
  client = await connectGroupClient(group.configPath, group.clientKeyPaths[0]);
  const steps = workload(seed, OPS);
  const expected = await runSteps(localClient(), steps);
  const g = group;
  await g.explain(async () => {
    const got = await runSteps(client as BfsClient, steps);
    for (let i = 0; i < OPS; i++) assert.deepEqual(got[i], expected[i], `step ${i}: ${steps[i].name}`);
  });
  assert.match(group.log(replica), new RegExp(`"byzantine":"${behaviour}"`), 'the replica really played the behaviour');
}

test('an equivocating primary cannot make clients see wrong results', { timeout: 300_000 }, async () => {
  await runWith(0, 'equivocate', 11);
  // The correct replicas moved away from the equivocating primary.
  const statuses = await (group as Group).statuses();
  assert.ok(statuses.slice(1).every((s) => s !== null && s.primary !== 0), `views: ${JSON.stringify(statuses.map((s) => s?.view))}`);
});

test('a replica corrupting its replies is outvoted', { timeout: 300_000 }, async () => {
  await runWith(1, 'corrupt-replies', 13);
});
