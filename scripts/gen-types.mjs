#!/usr/bin/env node
// Generates TypeScript types for proto/bfs.proto into OUT (default src/gen) with
// proto-loader-gen-types, then adds the ".js" extensions that NodeNext ESM
// resolution requires on relative imports (the generator omits them).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? 'src/gen';
rmSync(out, { recursive: true, force: true });
execFileSync('npx', ['proto-loader-gen-types', '--longs=Number', '--enums=String', '--defaults', '--oneofs',
  '--includeComments', '--grpcLib=@grpc/grpc-js', `--outDir=${out}`, 'proto/bfs.proto'], { stdio: 'inherit' });

function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) { walk(path); continue; }
    const text = readFileSync(path, 'utf8').replace(/from '(\.{1,2}\/[^']+)'/g, "from '$1.js'");
    writeFileSync(path, text);
  }
}
walk(out);
