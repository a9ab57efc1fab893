// The committed TypeScript types in src/gen must be exactly what the generator
// makes from proto/bfs.proto today; a drift means someone edited one side only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

function files(dir: string, root = dir): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const [k, v] of files(path, root)) out.set(k, v);
    else out.set(relative(root, path), readFileSync(path, 'utf8'));
  }
  return out;
}

test('src/gen matches proto/bfs.proto (run `npm run gen` after editing the proto)', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'bfs-gen-')), 'gen');
  execFileSync('node', ['scripts/gen-types.mjs', out], { stdio: 'pipe' });
  const fresh = files(out);
  const committed = files('src/gen');
  assert.deepEqual([...committed.keys()].sort(), [...fresh.keys()].sort());
  for (const [name, text] of fresh) assert.equal(committed.get(name), text, `src/gen/${name} drifted`);
});
