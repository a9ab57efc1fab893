// Entry point of the `bfs` command (bin/bfs.js imports this).
import { main } from './program.js';

const code = await main(process.argv.slice(2));
// Long-running commands (replica, up, mount) keep the loop alive and exit on signals.
if (code !== 0) process.exit(code);
