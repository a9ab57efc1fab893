// Four replica runtimes (real PBFT core, file tree, auth) on the in-process
// memory transport, a client through the PbftInvoker: results match a lone
// tree, and after the primary's runtime stops the others change view.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BfsClient } from '../../src/client/bfs-client.js';
import { LocalInvoker } from '../../src/client/local-invoker.js';
import { PbftInvoker } from '../../src/client/pbft-invoker.js';
import { ClientAuth } from '../../src/crypto/node-auth.js';
import { ClientCore } from '../../src/pbft/client-core.js';
import { createLogger } from '../../src/replica/logger.js';
import { ReplicaRuntime } from '../../src/replica/runtime.js';
import { makeReplicaCore } from '../../src/replica/start-replica.js';
import { generateCluster } from '../../src/transport/cluster-config.js';
import { MemoryHub } from '../../src/transport/memory.js';
import type { Credentials } from '../../src/fs/types.js';

const cred: Credentials = { uid: 0, gid: 0, groups: [] };
const logger = createLogger({ level: 'silent', pretty: false });
const { config, keys } = generateCluster({ replicas: 4, clients: 1 });
const hub = new MemoryHub();
const runtimes: ReplicaRuntime[] = [];
let client: BfsClient;

before(() => {
  for (const r of config.replicas) {
    const { auth, core } = makeReplicaCore(config, keys.get(r.id)!, { id: r.id });
    const transport = hub.connect(auth, { logger });
    const runtime = new ReplicaRuntime({ core, transport, n: 4, tickMs: 10, logger });
    runtime.start();
    runtimes.push(runtime);
  }
  const clientId = config.clients[0].id;
  const auth = new ClientAuth({ config, key: keys.get(clientId)! });
  const invoker = new PbftInvoker({
    slots: [{ transport: hub.connect(auth), makeCore: () => new ClientCore({ id: clientId, n: 4, initialTimestamp: Date.now() * 1000, seed: 1 }, auth) }],
    replicas: [0, 1, 2, 3], tickMs: 10, requestTimeoutMs: 60_000,
  });
  client = new BfsClient(invoker, { cred });
});

after(async () => {
  await client.close();
  await Promise.all(runtimes.map((r) => r.stop()));
});

async function script(c: BfsClient, tag: string): Promise<unknown[]> {
  const out: unknown[] = [];
  const dir = await c.mkdir(c.root, `d-${tag}`, 0o755);
  out.push(dir.attr.fh);
  for (let i = 0; i < 5; i++) out.push((await c.writeFile(`/d-${tag}/f${i}`, new TextEncoder().encode(`${tag} ${i}`))).size);
  out.push((await c.readdirAll(dir.attr.fh)).map((e) => e.name));
  out.push(new TextDecoder().decode(await c.readFile(`/d-${tag}/f3`)));
  return out;
}

test('a memory-transport group executes like a lone tree, and survives the primary stopping', { timeout: 120_000 }, async () => {
  const local = new BfsClient(new LocalInvoker(), { cred });
  assert.deepEqual(await script(client, 'one'), await script(local, 'one'));
  assert.ok(runtimes.every((r) => r.status().lastExecuted > 0));
  const primary = runtimes[0].status().primary;
  await runtimes[primary].stop();
  assert.deepEqual(await script(client, 'two'), await script(local, 'two'));
  const views = runtimes.filter((_, i) => i !== primary).map((r) => r.status().view);
  assert.ok(views.every((v) => v > 0), `views after the primary stopped: ${views}`);
  assert.match(await runtimes[(primary + 1) % 4].metrics.text(), /bfs_view_changes_total\{?[^ ]*\}? [1-9]/);
});
