// Preload that CPU-profiles a whole Node process tree: Node 20 refuses
// --cpu-prof in NODE_OPTIONS, but accepts --require, and children inherit it.
//   BFS_CPU_PROF_DIR=/tmp/prof NODE_OPTIONS="--require $PWD/bench/profile/cpu-prof.cjs" npm run bench -- throughput ...
// Each process writes DIR/<pid>-<script>.cpuprofile when it exits (including
// a replica stopped by SIGTERM); read them with bench/profile/top.ts.
/* eslint-disable */
'use strict';
const dir = process.env.BFS_CPU_PROF_DIR;
if (dir) {
  const inspector = require('node:inspector');
  const fs = require('node:fs');
  const path = require('node:path');
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // The in-thread session answers synchronously, so this completes before exit.
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      const script = path.basename(process.argv[1] || 'node').replace(/[^\w.-]/g, '_');
      const role = process.argv.includes('replica') ? `replica${process.argv[process.argv.indexOf('--id') + 1] ?? ''}` : script;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${process.pid}-${role}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
