// Pure helpers of the `bfs` command: --byzantine parsing, the child command
// lines of `bfs up`, the status table and its verdict, error reporting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseByzantine, replicaSpecs } from '../../src/cli/up-command.js';
import { formatStatusTable, summarize, type StatusRow } from '../../src/cli/status-table.js';
import { parseCount, UserError } from '../../src/cli/errors.js';
import { generateCluster } from '../../src/transport/cluster-config.js';

test('--byzantine ID:BEHAVIOUR is parsed and checked', () => {
  assert.deepEqual([...parseByzantine(['0:equivocate', '2:slow'], 4)], [[0, 'equivocate'], [2, 'slow']]);
  assert.throws(() => parseByzantine(['equivocate'], 4), /is not ID:BEHAVIOUR/);
  assert.throws(() => parseByzantine(['4:slow'], 4), /no replica 4 \(the group has 0\.\.3\)/);
  assert.throws(() => parseByzantine(['1:grumpy'], 4), (err: unknown) => err instanceof UserError && /unknown behaviour "grumpy"/.test(err.message) && /equivocate/.test(err.hint ?? ''));
});

test('bfs up starts one `bfs replica` per replica, with --unreplicated for a one-replica cluster', () => {
  const four = replicaSpecs('/c/cluster.json', generateCluster({ replicas: 4 }).config, new Map([[1, 'corrupt-replies']]), 'debug');
  assert.deepEqual(four.map((s) => s.args.join(' ')), [
    'replica --config /c/cluster.json --id 0 --log-level debug',
    'replica --config /c/cluster.json --id 1 --byzantine corrupt-replies --log-level debug',
    'replica --config /c/cluster.json --id 2 --log-level debug',
    'replica --config /c/cluster.json --id 3 --log-level debug',
  ]);
  const one = replicaSpecs('/c/cluster.json', generateCluster({ replicas: 1 }).config, new Map());
  assert.deepEqual(one.map((s) => s.args.join(' ')), ['replica --config /c/cluster.json --id 0 --unreplicated']);
});

function row(id: number, view: number | null): StatusRow {
  const status = view === null ? null : { replica: id, view, primary: view % 4, lastExecuted: 10 * view, stableSeq: 0, stateDigest: new Uint8Array([0xab, 0xcd]), viewChanging: false };
  return { id, address: `127.0.0.1:${7100 + id}`, status, error: view === null ? 'connect ECONNREFUSED' : undefined };
}

test('the status table shows who answers, and the verdict names the view, primary and quorum', () => {
  const rows = [row(0, null), row(1, 1), row(2, 1), row(3, 1)];
  const table = formatStatusTable(rows);
  assert.match(table, /^replica +address +answers +view +primary +last exec +stable ckpt/);
  assert.match(table, /^0 +127\.0\.0\.1:7100 +no +- .*ECONNREFUSED$/m);
  assert.match(table, /^1 +127\.0\.0\.1:7101 +yes +1 +1 +10 +0 +abcd$/m);
  assert.deepEqual(summarize(rows, 1), { view: 1, primary: 1, answering: 3, quorum: true });
  assert.deepEqual(summarize([row(0, null), row(1, null), row(2, 0), row(3, 0)], 1), { view: 0, primary: 0, answering: 2, quorum: false });
  assert.equal(summarize([row(0, null)], 0).view, null);
});

test('numeric options are checked with a message naming the option', () => {
  assert.equal(parseCount('--replicas', 1)('4'), 4);
  assert.throws(() => parseCount('--replicas', 1)('0'), /--replicas must be an integer >= 1, got "0"/);
  assert.throws(() => parseCount('--base-port', 1)('71x'), /--base-port must be an integer/);
});
