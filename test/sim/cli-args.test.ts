import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSimArgs, UsageError } from '../../src/sim/cli-args.js';

test('parses a seed range, behaviour, fault list and f', () => {
  const a = parseSimArgs(['--seeds', '3..9', '--byzantine', 'equivocate', '--faults', 'drop,crash', '--f', '2']);
  assert.equal(a.seedFirst, 3);
  assert.equal(a.seedLast, 9);
  assert.equal(a.byzantine, 'equivocate');
  assert.deepEqual(a.faults, ['drop', 'crash']);
  assert.equal(a.f, 2);
  assert.equal(parseSimArgs(['--seeds', '5']).seedLast, 5);
  assert.equal(parseSimArgs(['--faults', 'all']).faults.length, 6);
  assert.deepEqual(parseSimArgs(['--faults', 'none']).faults, []);
});

test('bad arguments are usage errors naming the problem', () => {
  for (const argv of [['--seeds', '9..3'], ['--seeds', 'x'], ['--byzantine', 'evil'], ['--faults', 'fire'], ['--f', '-1'], ['--bogus']]) {
    assert.throws(() => parseSimArgs(argv), UsageError, argv.join(' '));
  }
});
