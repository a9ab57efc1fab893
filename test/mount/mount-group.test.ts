// The everyday-tools list on a FUSE mount of a real 4-replica group whose
// primary is SIGKILLed in the middle of the 64 MiB copy: the copy finishes
// byte for byte across the view change (its big writes are ordered by digest,
// so the VIEW-CHANGEs carry digests, not 128 KiB each), and everything after
// it runs on the three survivors in the new view.
import assert from 'node:assert/strict';
import { toolSuite } from './fixtures/tool-suite.js';

let killed = -1;

toolSuite('mount: everyday tools on a 4-replica group, primary SIGKILLed mid-run', {
  target: { kind: 'group' },
  // 10,000 entries are shown on the plain group; here the list runs after a view change.
  dirEntries: 1_000,
  midBigCopy: async (m) => {
    const group = m.group;
    assert.ok(group, 'a group target');
    const before = await group.statuses();
    killed = before.find((s) => s !== null)?.primary ?? 0;
    group.kill(killed);
  },
  finally: async (m) => {
    const group = m.group;
    assert.ok(group && killed >= 0, 'the primary was killed during the 64 MiB copy');
    const after = await group.statuses();
    assert.equal(after[killed], null, 'the killed primary stays down');
    const views = after.filter((s) => s !== null).map((s) => s.view);
    assert.equal(views.length, 3);
    assert.ok(views.every((v) => v > 0), `the survivors moved to a new view: ${JSON.stringify(views)}`);
  },
});
