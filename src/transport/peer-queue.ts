// A bounded FIFO of encoded envelopes waiting for one peer. Bounded in messages
// and bytes so a slow or dead peer cannot make this node run out of memory;
// the caller drops (and counts) what does not fit.

export interface QueueLimits { messagesMax: number; bytesMax: number }

export const DEFAULT_QUEUE_LIMITS: QueueLimits = { messagesMax: 10_000, bytesMax: 64 * 1024 * 1024 };

export class PeerQueue {
  private items: Uint8Array[] = [];
  private head = 0;
  private queuedBytes = 0;

  constructor(private readonly limits: QueueLimits) {}

  get length(): number { return this.items.length - this.head; }
  get bytes(): number { return this.queuedBytes; }

  /** False (and nothing queued) when the message does not fit. */
  push(bytes: Uint8Array): boolean {
    if (this.length >= this.limits.messagesMax || this.queuedBytes + bytes.length > this.limits.bytesMax) return false;
    this.items.push(bytes);
    this.queuedBytes += bytes.length;
    return true;
  }

  /** The next message, left in the queue. */
  peek(): Uint8Array | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): Uint8Array | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = EMPTY;
    this.queuedBytes -= item.length;
    // Compact once the consumed prefix dominates, keeping shift O(1) amortized.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.queuedBytes = 0;
  }
}

const EMPTY = new Uint8Array(0);
