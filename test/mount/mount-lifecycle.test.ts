// Mount lifecycle: big writes reach the file service in 128 KiB requests,
// runMount unmounts on SIGTERM, and a mountpoint left by a killed process is
// cleaned up at the next mount.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { BfsClient } from '../../src/client/bfs-client.js';
import { LocalInvoker } from '../../src/client/local-invoker.js';
import { cleanStaleMount, libfuseOptions, mountBfs, unmount } from '../../mount/mount-command.js';
import { setupMount, sh, type TestMount } from './fixtures/mount-helpers.js';

const CHILD = join(import.meta.dirname, 'fixtures', 'mount-child.ts');

/** Start the mount child; resolves once it logged "mounted". */
function startChild(mountpoint: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mountpoint], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('bfs mounted')) resolve({ child, output: () => out });
    });
    child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('exit', (code) => reject(new Error(`mount child exited (${code}) before mounting:\n${out}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('mount: big writes', () => {
  let m: TestMount;
  before(async () => { m = await setupMount(); });
  after(async () => { await m.cleanup(); });

  it('passes big_writes and max_write=131072 to libfuse', () => {
    const opts = libfuseOptions();
    assert.ok(opts.includes('big_writes'));
    assert.ok(opts.includes('max_write=131072'));
    assert.ok(!opts.includes('default_permissions'));
    assert.ok(libfuseOptions(['allow_other']).includes('default_permissions'));
    assert.throws(() => libfuseOptions(['a,b']), /bad mount option/);
  });

  it('writes 1 MiB in eight 128 KiB write requests', async () => {
    m.invoker.requests.length = 0;
    await sh(`dd if=/dev/urandom of='${m.mnt}/mib' bs=1M count=1 status=none`);
    const writes = m.invoker.requests.flatMap((r) => (r.op === 'write' ? [r.write.data.length] : []));
    assert.deepEqual(writes, Array(8).fill(128 * 1024));
  });
});

describe('mount: lifecycle', () => {
  let dir: string;
  let mnt: string;
  let child: ChildProcess | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bfs-mount-life-'));
    mnt = join(dir, 'mnt');
    await mkdir(mnt);
  });
  after(async () => {
    child?.kill('SIGKILL');
    await unmount(mnt).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('runMount serves until SIGTERM, then unmounts cleanly', async () => {
    const started = await startChild(mnt);
    child = started.child;
    assert.equal(await sh(`cat '${mnt}/hello'`), 'hi\n');
    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
    assert.match(started.output(), /unmounted-cleanly/);
    assert.equal(await sh(`grep -c ' ${mnt} ' /proc/self/mounts || true`), '0\n');
  });

  it('runMount exits when the mount is unmounted from outside (bfs umount)', async () => {
    const started = await startChild(mnt);
    child = started.child;
    await unmount(mnt);
    assert.equal(await exited(child), 0);
    assert.match(started.output(), /unmounted from outside/);
  });

  it('cleans up the stale mount of a killed process at the next mount', async () => {
    child = (await startChild(mnt)).child;
    child.kill('SIGKILL');
    await exited(child);
    assert.match(await sh(`stat '${mnt}' 2>&1 || true`), /Transport endpoint is not connected/);
    const client = new BfsClient(new LocalInvoker());
    const mounted = await mountBfs(mnt, client, { log: pino({ level: 'silent' }) });
    try {
      await sh(`echo again > '${mnt}/again'`);
      assert.equal(await sh(`cat '${mnt}/again'`), 'again\n');
      assert.equal(await cleanStaleMount(mnt), false, 'a live mount is not stale');
    } finally {
      await mounted.unmount();
      await client.close();
    }
  });

  it('refuses a mountpoint that does not exist, naming it', async () => {
    const client = new BfsClient(new LocalInvoker());
    await assert.rejects(mountBfs(join(dir, 'nope'), client), /mountpoint .*nope: does not exist/);
  });
});
