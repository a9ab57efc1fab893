// Real programs on a real FUSE mount of an in-process file tree, through the
// same adapter as a group mount: what a user of a network file system does
// every day must work byte for byte. The same list runs on real replica groups
// in mount-tools-group, mount-group (primary killed) and mount-group-byzantine.
import { toolSuite } from './fixtures/tool-suite.js';

toolSuite('mount: everyday tools (in-process tree)', { target: { kind: 'local' }, dirEntries: 10_000 });
