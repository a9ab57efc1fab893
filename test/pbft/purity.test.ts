// The pure core (src/pbft, src/fs) must not reach for I/O, clocks, randomness,
// timers, the process or Buffer (DESIGN.md §2-3): scan the sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOTS = ['src/pbft', 'src/fs'];
const IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"](node:[^'"]*|fs|path|os|crypto|child_process|net|http|worker_threads)['"]/;
const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\b/, 'Date'],
  [/\bMath\.random\b/, 'Math.random'],
  [/\b(?:setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|queueMicrotask)\b/, 'timers'],
  [/\bprocess\b/, 'process'],
  [/\bBuffer\b/, 'Buffer'],
  [/\bperformance\b/, 'performance'],
];

/** Blank out comments and string literals so prose and messages do not count. */
function code(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, (m) => m.replace(/[^\n]/g, ' '));
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

export function impurities(path: string, src: string): string[] {
  const found: string[] = [];
  const lines = src.split('\n');
  const stripped = code(src).split('\n');
  lines.forEach((line, i) => {
    const m = IMPORT.exec(line);
    if (m) found.push(`${path}:${i + 1}: imports ${m[1]}`);
    for (const [re, what] of FORBIDDEN) if (re.test(stripped[i])) found.push(`${path}:${i + 1}: uses ${what}`);
  });
  return found;
}

test('the scanner catches what it must and ignores comments and strings', () => {
  assert.equal(impurities('x.ts', "import { readFileSync } from 'node:fs';").length, 1);
  assert.equal(impurities('x.ts', 'const t = Date.now();').length, 1);
  assert.equal(impurities('x.ts', 'const b = Buffer.from(x);').length, 1);
  assert.equal(impurities('x.ts', 'setTimeout(f, 1);').length, 1);
  assert.equal(impurities('x.ts', 'if (process.env.X) {}').length, 1);
  assert.equal(impurities('x.ts', "// no Date here\nconst s = 'process Buffer';").length, 0);
});

test('src/pbft and src/fs are pure', () => {
  const all = ROOTS.flatMap(files);
  assert.ok(all.length > 0);
  const found = all.flatMap((p) => impurities(p, readFileSync(p, 'utf8')));
  assert.deepEqual(found, []);
});
