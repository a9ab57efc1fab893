import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { initCluster, keyFilePath, loadClusterConfig } from '../../src/transport/cluster-config.js';
import { readKeyFile } from '../../src/crypto/key-file.js';
import { nativeProvider } from '../../src/crypto/native.js';

test('initCluster writes keys and a cluster file that loads back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bfs-init-'));
  const made = initCluster(dir, { replicas: 4, clients: 2, basePort: 7300 });
  const config = loadClusterConfig(made.configPath);
  assert.equal(config.f, 1);
  assert.deepEqual(config.replicas.map((r) => r.port), [7300, 7301, 7302, 7303]);
  assert.deepEqual(config.clients.map((c) => c.id), [1000, 1001]);
  assert.deepEqual(config, made.config);
  for (const id of [0, 3, 1000, 1001]) {
    const path = keyFilePath(dir, id);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const key = readKeyFile(path);
    const info = id < 1000 ? config.replicas[id] : config.clients.find((c) => c.id === id);
    assert.deepEqual(nativeProvider.publicIdentity(key.identity), { ed25519Public: info?.ed25519Public, x25519Public: info?.x25519Public });
  }
  assert.equal(initCluster(mkdtempSync(join(tmpdir(), 'bfs-init-')), { replicas: 1 }).config.f, 0);
  assert.throws(() => initCluster(dir, { replicas: 3 }), /3f\+1/);
});

test('invalid cluster files name the file and the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bfs-init-'));
  const good = JSON.parse(readFileSync(initCluster(dir).configPath, 'utf8'));
  const variants: Array<[string, (c: typeof good) => unknown, RegExp]> = [
    ['f', (c) => ({ ...c, f: 2 }), /replicas must hold n = 3f\+1 = 7/],
    ['f0', (c) => ({ ...c, f: 0 }), /exactly 1 replica/],
    ['fneg', (c) => ({ ...c, f: -1 }), /^.*: f must be an integer/],
    ['port', (c) => { c.replicas[1].port = c.replicas[0].port; return c; }, /replicas\[\]\.port must be unique/],
    ['portrange', (c) => { c.replicas[2].port = 70000; return c; }, /replicas\[2\]\.port must be an integer/],
    ['id', (c) => { c.replicas[1].id = 5; return c; }, /replicas\[1\]\.id must be 1/],
    ['key', (c) => { c.replicas[3].ed25519Public = 'AAAA'; return c; }, /replicas\[3\]\.ed25519Public must decode to 32 bytes/],
    ['host', (c) => { delete c.replicas[0].host; return c; }, /replicas\[0\]\.host/],
    ['client', (c) => { c.clients[1].id = c.clients[0].id; return c; }, /clients\[\]\.id must be unique/],
    ['clientid', (c) => { c.clients[0].id = 2; return c; }, /clients\[0\]\.id must not collide/],
    ['uids', (c) => { c.clients[0].uids = ['x']; return c; }, /clients\[0\]\.uids\[0\]/],
    ['top', () => [], /must be an object/],
  ];
  for (const [name, mutate, problem] of variants) {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(mutate(structuredClone(good))));
    assert.throws(() => loadClusterConfig(path), (err: Error) => err.message.includes(path) && problem.test(err.message), name);
  }
  assert.throws(() => loadClusterConfig(join(dir, 'nope.json')), /does not exist/);
  writeFileSync(join(dir, 'bad.json'), '{');
  assert.throws(() => loadClusterConfig(join(dir, 'bad.json')), /not valid JSON/);
});
