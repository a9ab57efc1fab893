// Golden transcripts (etcd/raft style): each scenario drives replicas through
// the test cluster and records every input and every output, rendered as text.
// The test replays the scenario and compares with test/pbft/golden/*.txt.
// Regenerate after an intended change: BFS_GOLDEN_UPDATE=1 node --import tsx --test test/pbft/golden.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from './helpers/cluster.js';
import { FakeAuth, decodeJson } from './helpers/fake-auth.js';
import type { Input, Output, Request } from '../../src/pbft/types.js';

const DIR = join(import.meta.dirname, 'golden');
const opener = new FakeAuth(-1);

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').slice(0, 12);
}

/** Render any message shape: bytes as short hex, Signed opened, AuthRequests decoded. */
function render(v: unknown): unknown {
  if (v instanceof Uint8Array) return hex(v);
  if (Array.isArray(v)) return v.map(render);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (o.body instanceof Uint8Array && typeof o.signer === 'number' && o.sig instanceof Uint8Array) {
    const msg = opener.open(o as unknown as { body: Uint8Array; signer: number; sig: Uint8Array });
    return { signer: o.signer, msg: render(msg) };
  }
  if (o.request instanceof Uint8Array && Array.isArray(o.macs)) {
    const r = decodeJson<Request>(o.request);
    return `req(c${r.client} t${r.timestamp} ${new TextDecoder().decode(r.op)}${r.readOnly ? ' ro' : ''})`;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = render(x);
  return out;
}

function renderInput(input: Input): string {
  switch (input.type) {
    case 'tick': return `tick ${input.nowMs}`;
    case 'request': return `request ${render(input.auth)}`;
    case 'protocol': return `from r${input.signed.signer} ${JSON.stringify(render(input.msg))}`;
    case 'stateTransferred': return `state-transferred ${input.seq}`;
  }
}

function renderOutput(o: Output): string {
  switch (o.type) {
    case 'broadcast': return `broadcast ${JSON.stringify(render(o.signed))}`;
    case 'send': return `send r${o.to} ${JSON.stringify(render(o.signed))}`;
    case 'forward': return `forward r${o.to} ${render(o.auth)}`;
    case 'reply': return `reply c${o.client} ${JSON.stringify(render(decodeJson(o.reply.reply)))}`;
    case 'event': return `event ${o.level} ${o.event} ${JSON.stringify(o.fields)}`;
    case 'fetchState': return `fetch-state ${o.seq}`;
  }
}

function transcript(build: (c: Cluster) => void, cluster: Cluster): string {
  const lines: string[] = [];
  cluster.onStep = (replica, input, outs) => {
    if (input.type === 'tick' && outs.length === 0) return; // idle ticks are noise
    lines.push(`> r${replica} ${renderInput(input)}`);
    for (const o of outs) lines.push(`  < ${renderOutput(o)}`);
  };
  build(cluster);
  return lines.join('\n') + '\n';
}

const SCENARIOS: Record<string, () => string> = {
  'normal-case': () => transcript((c) => {
    c.client(1000).submit('set a 1');
    c.run();
  }, new Cluster()),
  checkpoint: () => transcript((c) => {
    const alice = c.client(1000);
    alice.submit('set a 1');
    c.run();
    alice.submit('set b 2');
    c.run();
  }, new Cluster({ config: { checkpointInterval: 2 } })),
  'view-change': () => transcript((c) => {
    const alice = c.client(1000);
    c.down.add(0);
    alice.submit('set a 1');
    c.tickUntil(() => alice.done.length === 1);
  }, new Cluster({ config: { viewChangeTimeoutTicks: 8 } })),
};

for (const [name, run] of Object.entries(SCENARIOS)) {
  test(`golden transcript: ${name}`, () => {
    const file = join(DIR, `${name}.txt`);
    const got = run();
    if (process.env.BFS_GOLDEN_UPDATE === '1' || !existsSync(file)) {
      assert.ok(process.env.BFS_GOLDEN_UPDATE === '1', `missing ${file}: run with BFS_GOLDEN_UPDATE=1`);
      writeFileSync(file, got);
      return;
    }
    const want = readFileSync(file, 'utf8');
    if (got !== want) {
      const g = got.split('\n');
      const w = want.split('\n');
      const i = g.findIndex((line, k) => line !== w[k]);
      assert.fail(`${name}: transcript differs at line ${i + 1}\n want: ${w[i]}\n  got: ${g[i]}\n(BFS_GOLDEN_UPDATE=1 to accept)`);
    }
  });
}
