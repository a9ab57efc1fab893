// The Andrew harness itself: the workload on a tmp dir produces an exact copy
// of the source tree, the byte check catches a corrupted file, and the
// shipped tarball is the one recorded.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAndrew } from '../../bench/andrew/run-andrew.js';
import { extractSource, scanTree, verifyTarball, type SourceTree } from '../../bench/andrew/source-tree.js';
import { verifyCopy } from '../../bench/andrew/verify.js';

describe('andrew workload', () => {
  let scratch: string;
  let tree: SourceTree;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'bfs-andrew-test-'));
    tree = await extractSource(join(scratch, 'src'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('ships the Lua tarball with the recorded sha256', async () => {
    await verifyTarball();
    assert.ok(tree.files.length > 50, `only ${tree.files.length} files`);
    assert.ok(tree.files.some((f) => f.path === join('src', 'lua.c')));
  });

  it('rejects a tarball whose sha256 differs', async () => {
    const fake = join(scratch, 'fake.tar.gz');
    await writeFile(fake, 'not lua');
    await assert.rejects(verifyTarball(fake), /sha256/);
  });

  it('copies the tree exactly, N copies, with per-phase times', async () => {
    const target = join(scratch, 'target');
    const phases: string[] = [];
    const result = await runAndrew({ tree, target, copies: 2, skipMake: true, onPhaseStart: (p) => phases.push(p) });
    assert.deepEqual(phases, ['mkdir', 'copy', 'stat', 'read']);
    assert.equal(result.bytesRead, 2 * tree.bytes);
    assert.equal(result.phasesMs.make, 0);
    assert.ok(result.phasesMs.copy > 0);
    assert.deepEqual((await readdir(target)).sort(), ['copy-0', 'copy-1']);
    for (const copy of ['copy-0', 'copy-1']) {
      const copied = await scanTree(join(target, copy));
      assert.deepEqual(copied.dirs, tree.dirs);
      assert.deepEqual(copied.files, tree.files);
      assert.deepEqual((await verifyCopy(tree, join(target, copy))).mismatches, []);
    }
  });

  it('verifyCopy reports a changed and a missing file', async () => {
    const target = join(scratch, 'target2');
    await runAndrew({ tree, target, skipMake: true });
    const copy = join(target, 'copy-0');
    await writeFile(join(copy, 'src', 'lua.c'), 'tampered');
    await rm(join(copy, 'README'));
    const v = await verifyCopy(tree, copy);
    assert.equal(v.mismatches.length, 2);
    assert.match(v.mismatches.join('\n'), /src\/lua\.c: sha256/);
    assert.match(v.mismatches.join('\n'), /README: ENOENT/);
  });
});
