// The everyday-tools list on a FUSE mount of a real 4-replica group
// (processes, gRPC on 127.0.0.1, two client identities): what the in-process
// variant cannot show, the replicated path shows here — a 64 MiB file byte for
// byte (big requests ordered by digest), a directory of 10,000 entries listed
// and removed with rm -rf, two processes appending at once.
import { toolSuite } from './fixtures/tool-suite.js';

toolSuite('mount: everyday tools on a 4-replica group', { target: { kind: 'group' }, dirEntries: 10_000 });
