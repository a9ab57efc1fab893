// Real programs on a real FUSE mount of an in-process file tree: what a user
// of a network file system does every day must work byte for byte.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checksums, setupMount, sh, shFails, type TestMount } from './fixtures/mount-helpers.js';

describe('mount: everyday tools', () => {
  let m: TestMount;
  before(async () => {
    m = await setupMount();
    // A small source tree on local disk: nested dirs, empty and odd-sized files.
    await sh(`set -e; cd '${m.scratch}' && mkdir -p src/a/b/c src/d src/empty
      head -c 0 > src/zero; head -c 1 /dev/urandom > src/one
      for i in 1 2 3 4 5; do head -c $((i * 37 * 1024 + i)) /dev/urandom > src/a/f$i; done
      head -c 300000 /dev/urandom > src/a/b/c/big; echo hello > src/d/hello.txt`);
  });
  after(async () => { await m.cleanup(); });

  it('cp -r copies a tree byte for byte, and back', async () => {
    await sh(`cp -r '${m.scratch}/src' '${m.mnt}/copy'`);
    assert.equal(await checksums(`${m.mnt}/copy`), await checksums(`${m.scratch}/src`));
    await sh(`cp -r '${m.mnt}/copy' '${m.scratch}/back'`);
    assert.equal(await checksums(`${m.scratch}/back`), await checksums(`${m.scratch}/src`));
  });

  it('tar c/x into and out of the mount keeps every byte', async () => {
    await sh(`tar cf '${m.mnt}/src.tar' -C '${m.scratch}/src' . && mkdir '${m.mnt}/untar' && tar xf '${m.mnt}/src.tar' -C '${m.mnt}/untar'`);
    assert.equal(await checksums(`${m.mnt}/untar`), await checksums(`${m.scratch}/src`));
    await sh(`mkdir '${m.scratch}/untar' && tar cf - -C '${m.mnt}/untar' . | tar xf - -C '${m.scratch}/untar'`);
    assert.equal(await checksums(`${m.scratch}/untar`), await checksums(`${m.scratch}/src`));
  });

  it('find -ls lists every entry with its attributes', async () => {
    const lines = (await sh(`cd '${m.mnt}/untar' && find . -ls`)).trim().split('\n');
    const local = (await sh(`cd '${m.scratch}/src' && find .`)).trim().split('\n');
    assert.equal(lines.length, local.length);
    assert.ok(lines.some((l) => /-rw-r--r--.*\s300000\s.*\.\/a\/b\/c\/big$/.test(l)), lines.join('\n'));
  });

  it('mv moves files and directories across directories', async () => {
    await sh(`cd '${m.mnt}' && mkdir mv1 mv2 && echo data > mv1/file && mkdir -p mv1/sub/deeper && echo x > mv1/sub/deeper/x
      mv mv1/file mv2/renamed && mv mv1/sub mv2/sub`);
    assert.equal(await sh(`cat '${m.mnt}/mv2/renamed'`), 'data\n');
    assert.equal(await sh(`cat '${m.mnt}/mv2/sub/deeper/x'`), 'x\n');
    assert.equal(await sh(`ls -A '${m.mnt}/mv1'`), '');
    assert.match(await shFails(`cat '${m.mnt}/mv1/sub/deeper/x'`), /No such file/);
  });

  it('ln makes a hard link sharing inode and data; ln -s a symlink', async () => {
    await sh(`cd '${m.mnt}' && echo one > orig && ln orig hard && ln -s orig soft && echo two >> hard`);
    const [origStat, hardStat] = (await sh(`cd '${m.mnt}' && stat -c '%i %h' orig hard`)).trim().split('\n');
    assert.equal(origStat, hardStat);
    assert.match(origStat, / 2$/);
    assert.equal(await sh(`cat '${m.mnt}/orig'`), 'one\ntwo\n');
    assert.equal(await sh(`readlink '${m.mnt}/soft'`), 'orig\n');
    assert.equal(await sh(`cat '${m.mnt}/soft'`), 'one\ntwo\n');
    await sh(`rm '${m.mnt}/orig'`);
    assert.equal(await sh(`stat -c %h '${m.mnt}/hard'`), '1\n');
    assert.match(await shFails(`cat '${m.mnt}/soft'`), /No such file/);
  });

  it('chmod, chown and touch -d change mode, owner and times', async () => {
    await sh(`cd '${m.mnt}' && echo x > attrs && chmod 640 attrs && chown 1234:5678 attrs && touch -d '2001-02-03 04:05:06' attrs`);
    const epoch = (await sh(`date -d '2001-02-03 04:05:06' +%s`)).trim();
    assert.equal(await sh(`stat -c '%a %u %g %Y %X' '${m.mnt}/attrs'`), `640 1234 5678 ${epoch} ${epoch}\n`);
  });

  it('truncate shrinks and grows files', async () => {
    await sh(`cd '${m.mnt}' && head -c 10000 /dev/urandom > tr && truncate -s 100 tr`);
    assert.equal(await sh(`stat -c %s '${m.mnt}/tr'`), '100\n');
    await sh(`truncate -s 5000 '${m.mnt}/tr'`);
    assert.equal(await sh(`stat -c %s '${m.mnt}/tr'`), '5000\n');
    assert.equal(await sh(`tail -c 4900 '${m.mnt}/tr' | tr -d '\\0' | wc -c`), '0\n');
  });

  it('dd with seek makes a sparse file: holes read as zeros and take no blocks', async () => {
    await sh(`dd if=/dev/urandom of='${m.scratch}/mib' bs=1M count=1 status=none && dd if='${m.scratch}/mib' of='${m.mnt}/sparse' bs=1M seek=100 count=1 status=none`);
    const [size, blocks] = (await sh(`stat -c '%s %b' '${m.mnt}/sparse'`)).trim().split(' ').map(Number);
    assert.equal(size, 101 * 1024 * 1024);
    assert.ok(blocks >= 2048 && blocks < 4096, `1 MiB of data in ${blocks} blocks`);
    assert.equal(await sh(`dd if='${m.mnt}/sparse' bs=1M skip=50 count=1 status=none | tr -d '\\0' | wc -c`), '0\n');
    assert.equal(await sh(`dd if='${m.mnt}/sparse' bs=1M skip=100 status=none | cmp - '${m.scratch}/mib' && echo same`), 'same\n');
  });

  it('two processes appending concurrently (O_APPEND) lose no write', async () => {
    await sh(`cd '${m.mnt}' && : > log
      (for i in $(seq 1 300); do echo "a $i" >> log; done) &
      (for i in $(seq 1 300); do echo "b $i" >> log; done) &
      wait`);
    const lines = (await sh(`cat '${m.mnt}/log'`)).trim().split('\n');
    assert.equal(lines.length, 600);
    assert.equal(new Set(lines).size, 600);
    for (const who of ['a', 'b']) {
      const mine = lines.filter((l) => l.startsWith(who + ' ')).map((l) => Number(l.split(' ')[1]));
      assert.deepEqual(mine, Array.from({ length: 300 }, (_, i) => i + 1), `${who}'s lines in order`);
    }
  });

  it('a 64 MiB file is written and read back intact', async () => {
    await sh(`head -c $((64 * 1024 * 1024)) /dev/urandom > '${m.scratch}/big' && cp '${m.scratch}/big' '${m.mnt}/big'`);
    const [local, mounted] = (await sh(`sha256sum < '${m.scratch}/big'; sha256sum < '${m.mnt}/big'`)).trim().split('\n');
    assert.equal(mounted, local);
    assert.equal(await sh(`stat -c %s '${m.mnt}/big'`), `${64 * 1024 * 1024}\n`);
    await sh(`rm '${m.mnt}/big' '${m.scratch}/big'`);
  });

  it('a directory of 10,000 entries lists completely', async () => {
    await sh(`mkdir '${m.mnt}/many' && cd '${m.mnt}/many' && seq -f 'file-%05g' 1 10000 | xargs touch`);
    assert.equal(await sh(`ls '${m.mnt}/many' | wc -l`), '10000\n');
    assert.equal(await sh(`ls '${m.mnt}/many' | sort | uniq | wc -l`), '10000\n');
  });

  it('mkdir -p builds a deep tree and rm -rf removes everything', async () => {
    const deep = Array.from({ length: 60 }, (_, i) => `d${i}`).join('/');
    await sh(`cd '${m.mnt}' && mkdir -p deep/${deep} && echo bottom > deep/${deep}/f`);
    assert.equal(await sh(`cat '${m.mnt}/deep/${deep}/f'`), 'bottom\n');
    await sh(`rm -rf '${m.mnt}/deep' '${m.mnt}/many' '${m.mnt}/copy'`);
    assert.match(await shFails(`ls '${m.mnt}/deep'`), /No such file/);
    assert.equal(await sh(`ls '${m.mnt}' | grep -c -E '^(deep|many|copy)$' || true`), '0\n');
  });

  it('reports POSIX errors: ENOENT, EEXIST, ENOTEMPTY, ENOTDIR', async () => {
    assert.match(await shFails(`cat '${m.mnt}/nope'`), /No such file or directory/);
    await sh(`mkdir '${m.mnt}/errs' && touch '${m.mnt}/errs/f'`);
    assert.match(await shFails(`mkdir '${m.mnt}/errs'`), /File exists/);
    assert.match(await shFails(`rmdir '${m.mnt}/errs'`), /Directory not empty/);
    assert.match(await shFails(`ls '${m.mnt}/errs/f/x'`), /Not a directory/);
  });
});
