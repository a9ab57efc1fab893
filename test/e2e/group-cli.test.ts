// The `bfs` command against real replica processes: fs subcommands, status,
// metrics, user errors, and `bfs up` starting and stopping a group.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BFS_BIN, freePortRange, Group, metricValue, sleep } from './group-harness.js';
import { fetchStatus } from '../../src/transport/grpc.js';

let group: Group;
const scratch = mkdtempSync(join(tmpdir(), 'bfs-cli-'));

before(async () => { group = await Group.start({ replicas: 1 }); });
after(() => { group?.stop(); rmSync(scratch, { recursive: true, force: true }); });

async function bfs(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = execFile(process.execPath, [BFS_BIN, ...args], { env: { ...process.env, BFS_CONFIG: group.configPath } });
  if (input !== undefined) child.stdin?.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => { stdout += d; });
  child.stderr?.on('data', (d: Buffer) => { stderr += d; });
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
  return { code, stdout, stderr };
}

test('bfs fs: mkdir, put (file and stdin), ls, cat, stat, rm through an unreplicated replica', { timeout: 120_000 }, async () => {
  const src = join(scratch, 'src.txt');
  writeFileSync(src, 'from a file\n');
  assert.equal((await bfs(['fs', 'mkdir', '/docs'])).code, 0);
  assert.equal((await bfs(['fs', 'put', '/docs/a.txt', src])).code, 0);
  assert.equal((await bfs(['fs', 'put', '/docs/b.txt'], 'from stdin\n')).code, 0);
  assert.equal((await bfs(['fs', 'ls', '/docs'])).stdout, 'a.txt\nb.txt\n');
  assert.equal((await bfs(['fs', 'ls', '/'])).stdout, 'docs/\n');
  assert.equal((await bfs(['fs', 'cat', '/docs/b.txt'])).stdout, 'from stdin\n');
  assert.match((await bfs(['fs', 'stat', '/docs/a.txt'])).stdout, /type: +FT_REG\nmode: +0644\nsize: +12\n/);
  assert.equal((await bfs(['fs', 'rm', '/docs/a.txt'])).code, 0);
  const missing = await bfs(['fs', 'cat', '/docs/a.txt']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^bfs: cat \/docs\/a\.txt failed: ENOENT/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');
  const text = await group.scrape(0);
  assert.ok(metricValue(text, 'bfs_requests_total', { kind: 'read-write' }) >= 4);
  assert.ok(metricValue(text, 'bfs_batches_total') >= 4);
});

test('bfs status prints a table for the group; user errors are one line', { timeout: 60_000 }, async () => {
  const status = await bfs(['status']);
  assert.equal(status.code, 0);
  assert.match(status.stdout, /^replica\s+address\s+answers\s+view/);
  assert.match(status.stdout, /^0\s+127\.0\.0\.1:\d+\s+yes\s+0\s+0\s+\d+/m);
  const noConfig = await bfs(['status', '--config', join(scratch, 'nope.json')]);
  assert.equal(noConfig.code, 1);
  assert.equal(noConfig.stderr.trim().split('\n').length, 1);
  assert.match(noConfig.stderr, /no cluster file at .*nope\.json/);
  const badId = await bfs(['replica', '--config', group.configPath, '--id', '5', '--unreplicated']);
  assert.equal(badId.code, 1);
  assert.match(badId.stderr, /replica 5 cannot start: --id 5: the cluster file .* has replicas 0\.\.0/);
  const badByz = await bfs(['replica', '--config', group.configPath, '--id', '0', '--byzantine', 'grumpy']);
  assert.match(badByz.stderr, /--byzantine "grumpy" is not a known behaviour/);
});

test('bfs up starts a group in the foreground and stops every replica on SIGTERM', { timeout: 240_000 }, async () => {
  const dir = join(scratch, 'up');
  const base = await freePortRange(8);
  assert.equal((await bfs(['init', dir, '--base-port', String(base), '--metrics-base-port', String(base + 4)])).code, 0);
  const up = spawn(process.execPath, [BFS_BIN, 'up', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  up.stdout.on('data', (d: Buffer) => { out += d; });
  const exited = new Promise<number | null>((resolve) => up.on('exit', (code) => resolve(code)));
  try {
    const addresses = [0, 1, 2, 3].map((i) => `127.0.0.1:${base + i}`);
    // Generous: four processes compiling TypeScript at once on a loaded 2-core machine take a while.
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      const answers = await Promise.all(addresses.map((a) => fetchStatus(a, 1000).then(() => true, () => false)));
      if (answers.every(Boolean)) break;
      await sleep(250);
    }
    assert.match(out, new RegExp(`replica 3 +grpc 127\\.0\\.0\\.1:${base + 3} +metrics http://127\\.0\\.0\\.1:${base + 7}/metrics`));
    const statuses = await Promise.all(addresses.map((a) => fetchStatus(a, 2000)));
    assert.deepEqual(statuses.map((s) => s.replica), [0, 1, 2, 3]);
    up.kill('SIGTERM');
    assert.equal(await exited, 0);
    const after = await Promise.all(addresses.map((a) => fetchStatus(a, 500).then(() => true, () => false)));
    assert.deepEqual(after, [false, false, false, false], 'every replica stopped');
  } finally {
    up.kill('SIGKILL');
  }
});
