// The seam between the file API (BfsClient) and how a request travels: in
// process (LocalInvoker, tests) or through the replicated group (PbftInvoker).
import type { FsRequest, FsResult } from '../fs/types.js';

export interface Invoker {
  /** Run one file-system request; resolves with its result (errno inside), rejects only when the request could not be completed at all. */
  invoke(req: FsRequest): Promise<FsResult>;
  /** Release timers and connections; later invocations reject. */
  close(): Promise<void>;
}
