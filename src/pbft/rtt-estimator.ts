// A smoothed round-trip estimate for the client's first retransmission
// timeout (RFC 6298: SRTT, RTTVAR, RTO = SRTT + 4 RTTVAR). A fixed 150 ms
// (the BFT library's) is right for a null op on an idle group, but a 128 KiB
// write on a loaded machine routinely takes longer, and retransmitting it
// sends its bytes to every replica again (the backups forward them to the
// primary too): the load that made it slow grows. The estimate only ever
// raises the timeout above the configured first one.

const ALPHA = 1 / 8;
const BETA = 1 / 4;

export class RttEstimator {
  private srttMs: number | null = null;
  private rttVarMs = 0;

  /** One request's time from first send to its result. */
  sample(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    if (this.srttMs === null) {
      this.srttMs = ms;
      this.rttVarMs = ms / 2;
      return;
    }
    this.rttVarMs = (1 - BETA) * this.rttVarMs + BETA * Math.abs(this.srttMs - ms);
    this.srttMs = (1 - ALPHA) * this.srttMs + ALPHA * ms;
  }

  /** The first timeout for the next request: the estimate, within [minMs, maxMs]. */
  timeoutMs(minMs: number, maxMs: number): number {
    if (this.srttMs === null) return minMs;
    return Math.min(maxMs, Math.max(minMs, Math.round(this.srttMs + 4 * this.rttVarMs)));
  }
}
