// The compliance suite on the in-memory transport, plus its fault injection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryHub } from '../../src/transport/memory.js';
import { ReplicaAuth } from '../../src/crypto/node-auth.js';
import { generateCluster } from '../../src/transport/cluster-config.js';
import type { KeyFile } from '../../src/crypto/key-file.js';
import type { Signed } from '../../src/pbft/types.js';
import { eventually, runComplianceSuite } from './compliance.js';

runComplianceSuite('memory', {
  async addresses() {},
  async create() {
    const hub = new MemoryHub();
    return {
      async start(auth, options, onDrop) { return hub.connect(auth, { ...options, onDrop }); },
      async close() {},
    };
  },
});

test('memory: injected faults drop and delay messages', async () => {
  const { config, keys } = generateCluster({ replicas: 4, clients: 0 });
  const hub = new MemoryHub();
  const auths = [0, 1].map((id) => new ReplicaAuth({ config, key: keys.get(id) as KeyFile }));
  const [t0, t1] = auths.map((auth) => hub.connect(auth));
  const seqs: number[] = [];
  t1.onDelivery((d) => { if (d.type === 'protocol' && d.msg.type === 'prepare') seqs.push(d.msg.prepare.seq); });
  const send = (seq: number): void => {
    const signed: Signed = auths[0].seal({ type: 'prepare', prepare: { view: 0, seq, digest: new Uint8Array(32), replica: 0 } });
    t0.send(1, { type: 'signed', signed });
  };
  let n = 0;
  hub.fault = () => (++n === 2 ? 'drop' : n === 3 ? { delayMs: 30 } : 'deliver');
  for (let seq = 1; seq <= 4; seq++) send(seq);
  await eventually('three deliveries', () => seqs.length === 3);
  assert.deepEqual(seqs, [1, 4, 3], 'seq 2 dropped, seq 3 delayed past seq 4');
  assert.equal(t0.stats().sent, 4);
  await Promise.all([t0.close(), t1.close()]);
});
