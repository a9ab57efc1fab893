// The everyday-tools list on a FUSE mount of a real 4-replica group in which
// one backup plays `--byzantine corrupt-replies` (it sends wrong results to
// clients, on every reply): the client outvotes the liar, so every byte read
// back is right, tar x of the Lua source is byte-exact, and make builds it.
import { toolSuite } from './fixtures/tool-suite.js';

toolSuite('mount: everyday tools on a 4-replica group with one replica corrupting its replies', {
  // Replica 1 is a backup in view 0.
  target: { kind: 'group', group: { replicaArgs: { 1: ['--byzantine', 'corrupt-replies'] } } },
  dirEntries: 1_000,
});
