// The hooks behind trace-preload.mjs: wrap the gRPC transport's receive and
// send paths and the runtime's step, and write the records at exit.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GrpcTransport } from '../../src/transport/grpc.js';
import { ReplicaRuntime } from '../../src/replica/runtime.js';
import { decodeEnvelope, decodeProtocolMessage, decodeReply, decodeRequest } from '../../src/transport/codec.js';

export interface TraceRecord { t: number; ev: string; peer?: number; what?: string; durUs?: number }

const records: TraceRecord[] = [];
const wall = (): number => performance.timeOrigin + performance.now();

/** A short label that names the same message on both ends: kind, seq or timestamp, signer. */
export function labelOf(bytes: Uint8Array): string {
  const env = decodeEnvelope(bytes);
  if (!env) return 'malformed';
  switch (env.type) {
    case 'bundle': return env.envelopes.map(labelOf).join(' + ');
    case 'hello': return 'hello';
    case 'request': { const r = decodeRequest(env.auth.request); return `request c${r?.client} t${r?.timestamp}`; }
    case 'reply': { const r = decodeReply(env.auth.reply); return `reply r${r?.replica} t${r?.timestamp}`; }
    case 'signed': {
      const m = decodeProtocolMessage(env.signed.body);
      if (!m) return 'signed?';
      const body = (m as unknown as Record<string, { seq?: number }>)[m.type];
      return `${m.type} s${body.seq ?? '?'} r${env.signed.signer}`;
    }
  }
}

type Proto = Record<string, (...args: unknown[]) => unknown>;
const gt = GrpcTransport.prototype as unknown as Proto;
const origReceive = gt.receive;
gt.receive = function (this: unknown, link: unknown, bytes: unknown) {
  const t = wall();
  const r = origReceive.call(this, link, bytes);
  records.push({ t, ev: 'recv', peer: (link as { id: number }).id, what: labelOf(bytes as Uint8Array), durUs: (wall() - t) * 1000 });
  return r;
};
const origSendRaw = gt.sendRaw;
gt.sendRaw = function (this: unknown, to: unknown, bytes: unknown) {
  records.push({ t: wall(), ev: 'send', peer: to as number, what: labelOf(bytes as Uint8Array) });
  return origSendRaw.call(this, to, bytes);
};

const origNext = gt.nextMessage;
gt.nextMessage = function (this: unknown, queue: unknown) {
  const out = origNext.call(this, queue);
  if (out !== undefined) records.push({ t: wall(), ev: 'write' });
  return out;
};

const rp = ReplicaRuntime.prototype as unknown as Proto;
const origRun = rp.run;
rp.run = function (this: unknown, input: unknown) {
  const t = wall();
  const r = origRun.call(this, input);
  records.push({ t, ev: 'step', what: (input as { type: string }).type, durUs: (wall() - t) * 1000 });
  return r;
};

/** This process's records so far (the driver reads its own without waiting for exit). */
export function traceRecords(): TraceRecord[] { return records; }

process.on('exit', () => {
  const dir = process.env.BFS_TRACE_DIR as string;
  const role = process.argv.includes('replica') ? `replica${process.argv[process.argv.indexOf('--id') + 1] ?? ''}` : 'client';
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${process.pid}-${role}.json`), JSON.stringify(records));
});
