// Original file: proto/bfs.proto


/**
 * Several envelopes in one stream message: a sender coalesces what one peer's
 * queue holds at the end of an event-loop turn (gRPC costs per message, not
 * per byte, at these sizes). Each item is an encoded Envelope, size-checked,
 * decoded and verified exactly as if it had come alone; an item is never a
 * Hello or a Bundle.
 */
export interface Bundle {
  'envelopes'?: (Buffer | Uint8Array | string)[];
}

/**
 * Several envelopes in one stream message: a sender coalesces what one peer's
 * queue holds at the end of an event-loop turn (gRPC costs per message, not
 * per byte, at these sizes). Each item is an encoded Envelope, size-checked,
 * decoded and verified exactly as if it had come alone; an item is never a
 * Hello or a Bundle.
 */
export interface Bundle__Output {
  'envelopes': (Buffer)[];
}
