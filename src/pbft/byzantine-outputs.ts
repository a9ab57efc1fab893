// The output side of the Byzantine behaviours that do not need protocol
// knowledge: 'silent', 'slow' and 'replay' (the others act inside the replica).
import type { Output, Signed } from './types.js';
import type { ByzantineBehaviour } from './byzantine.js';
import { REPLAY_EVERY_TICKS, SLOW_EVERY_TICKS } from './byzantine.js';

const REPLAY_RING_SIZE = 64;

export class ByzantineOutputs {
  private held: Output[] = [];
  private readonly sent: Signed[] = [];
  private ticks = 0;

  constructor(private readonly behaviour: ByzantineBehaviour | undefined) {}

  filter(out: Output[], isTick: boolean): Output[] {
    if (isTick) this.ticks++;
    switch (this.behaviour) {
      case 'silent': return out.filter((o) => o.type === 'event');
      case 'slow': return this.slow(out, isTick);
      case 'replay': return this.replay(out, isTick);
      default: return out;
    }
  }

  private slow(out: Output[], isTick: boolean): Output[] {
    const events = out.filter((o) => o.type === 'event');
    for (const o of out) if (o.type !== 'event') this.held.push(o);
    if (!isTick || this.ticks % SLOW_EVERY_TICKS !== 0) return events;
    const released = this.held;
    this.held = [];
    return [...events, ...released];
  }

  private replay(out: Output[], isTick: boolean): Output[] {
    for (const o of out) {
      if (o.type !== 'broadcast') continue;
      this.sent.push(o.signed);
      if (this.sent.length > REPLAY_RING_SIZE) this.sent.shift();
    }
    if (!isTick || this.ticks % REPLAY_EVERY_TICKS !== 0 || this.sent.length === 0) return out;
    const old = this.sent[this.ticks % this.sent.length];
    return [...out, { type: 'broadcast', signed: old }];
  }
}
