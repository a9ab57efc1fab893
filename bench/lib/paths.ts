// Where things are, independent of the current directory.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_ROOT = dirname(BENCH_DIR);
export const BFS_BIN = join(REPO_ROOT, 'bin', 'bfs.js');
