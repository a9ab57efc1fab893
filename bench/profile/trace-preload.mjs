// Preload that records, in every process of a run, when each envelope is
// received, verified, handed to the core, queued and written, so one op's
// latency can be split into hops, crypto and waits (trace.ts reads the files):
//   BFS_TRACE_DIR=/tmp/trace NODE_OPTIONS="--import $PWD/bench/profile/trace-preload.mjs" npx tsx bench/profile/trace.ts
// Wall times are performance.timeOrigin + performance.now(): comparable across
// the processes of one machine to a few µs.
/* global process, URL */
import { register } from 'tsx/esm/api';

if (process.env.BFS_TRACE_DIR) {
  register();
  await import(new URL('./trace-hooks.ts', import.meta.url).href);
}
