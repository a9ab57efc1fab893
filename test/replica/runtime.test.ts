import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplicaRuntime } from '../../src/replica/runtime.js';
import type { ReplicaCore } from '../../src/replica/core.js';
import { createLogger } from '../../src/replica/logger.js';
import type { Input, Output, ReplicaStatus } from '../../src/pbft/types.js';
import { RecordingTransport } from './fakes.js';

const signed = { body: new Uint8Array([1]), signer: 1, sig: new Uint8Array([2]) };
const auth = { request: new Uint8Array([3]), macs: [] };

/** A core that answers each input with scripted outputs and can change view. */
class ScriptedCore implements ReplicaCore {
  readonly inputs: Input[] = [];
  view = 0;
  constructor(private readonly script: (input: Input) => Output[]) {}
  step(input: Input): Output[] { this.inputs.push(input); return this.script(input); }
  status(): ReplicaStatus {
    return { id: 1, view: this.view, primary: this.view % 4, lastExecuted: this.inputs.length, stableSeq: 0, stableDigest: new Uint8Array(), viewChanging: false };
  }
}

function setup(script: (input: Input) => Output[]) {
  const core = new ScriptedCore(script);
  const transport = new RecordingTransport(1);
  const runtime = new ReplicaRuntime({ core, transport, n: 4, tickMs: 10, logger: createLogger({ level: 'silent', pretty: false }), now: () => 42 });
  runtime.start();
  return { core, transport, runtime };
}

test('deliveries become step inputs and ticks carry the clock reading', async () => {
  const { core, transport, runtime } = setup(() => []);
  transport.handler?.({ type: 'protocol', from: 1, signed, msg: { type: 'prepare', prepare: { view: 0, seq: 1, digest: new Uint8Array(), replica: 1 } } });
  transport.handler?.({ type: 'request', from: 1000, auth, request: { client: 1000, timestamp: 1, op: new Uint8Array(), readOnly: true, replier: -1 } });
  runtime.tick();
  assert.deepEqual(core.inputs.map((i) => i.type), ['protocol', 'request', 'tick']);
  assert.deepEqual(core.inputs[2], { type: 'tick', nowMs: 42 });
  assert.match(await runtime.metrics.text(), /bfs_requests_total\{kind="read-only"\} 1/);
  await runtime.stop();
  assert.equal(transport.closed, true);
});

test('outputs become transport sends: broadcast skips self, forward and reply go to their targets', async () => {
  const reply = { reply: new Uint8Array([9]), mac: new Uint8Array([8]) };
  const { transport, runtime } = setup(() => [
    { type: 'broadcast', signed },
    { type: 'send', to: 3, signed },
    { type: 'forward', to: 0, auth },
    { type: 'reply', client: 1000, reply },
  ]);
  runtime.tick();
  assert.deepEqual(transport.sent.map((s) => `${s.to}:${s.envelope.type}`), ['0:signed', '2:signed', '3:signed', '3:signed', '0:request', '1000:reply']);
  await runtime.stop();
});

test('events are counted; drops by reason; a view change updates the gauges once', async () => {
  let round = 0;
  const { core, runtime } = setup((): Output[] => {
    round++;
    if (round === 2) core.view = 1;
    return [
      { type: 'event', level: 'warn', event: 'dropPrePrepare', fields: { reason: 'bad-digest', peer: 0 } },
      { type: 'event', level: 'debug', event: 'executed', fields: { seq: round, requests: 3 } },
    ];
  });
  runtime.tick();
  runtime.tick();
  runtime.tick();
  const text = await runtime.metrics.text();
  assert.match(text, /bfs_messages_dropped_total\{reason="bad-digest"\} 3/);
  assert.match(text, /bfs_batches_total 3/);
  assert.match(text, /bfs_batch_size_requests_sum 9/);
  assert.match(text, /bfs_view 1/);
  assert.match(text, /bfs_view_changes_total 1/);
  await runtime.stop();
});

test('a reply delivered to a replica is dropped and counted', async () => {
  const { core, transport, runtime } = setup(() => []);
  transport.handler?.({ type: 'reply', from: 2, auth: { reply: new Uint8Array(), mac: new Uint8Array() }, reply: { view: 0, timestamp: 1, client: 1000, replica: 2, tentative: false, result: new Uint8Array(), resultDigest: new Uint8Array(), full: true } });
  assert.equal(core.inputs.length, 0);
  assert.match(await runtime.metrics.text(), /bfs_messages_dropped_total\{reason="unexpected-reply"\} 1/);
  await runtime.stop();
});

test('a delivery after an overdue tick is preceded by a tick carrying the fresh clock (a starved process must not judge with a stale time)', async () => {
  let nowMs = 1000;
  const core = new ScriptedCore(() => []);
  const transport = new RecordingTransport(1);
  const runtime = new ReplicaRuntime({ core, transport, n: 4, tickMs: 10, logger: createLogger({ level: 'silent', pretty: false }), now: () => nowMs });
  runtime.start();
  runtime.tick();
  const prepare = { type: 'protocol' as const, from: 1, signed, msg: { type: 'prepare' as const, prepare: { view: 0, seq: 1, digest: new Uint8Array(), replica: 1 } } };
  nowMs += 5;
  transport.handler?.(prepare);   // within the tick period: no extra tick
  nowMs += 3000;
  transport.handler?.(prepare);   // the timer is seconds late: tick first
  assert.deepEqual(core.inputs.map((i) => i.type), ['tick', 'protocol', 'tick', 'protocol']);
  assert.deepEqual(core.inputs[2], { type: 'tick', nowMs: 4005 });
  await runtime.stop();
});
