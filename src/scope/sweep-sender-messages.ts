/**
 * What the sweep's sender threads and the survey's thread say to each other
 * (sweep-sender-pool.ts on the survey's side, sweep-sender-worker.ts on the other).
 * Datagrams travel in batches: one message per burst, not per datagram.
 */

/** Open an unconnected socket bound to the source address; answered by `opened`. */
export interface OpenChannelMessage {
  kind: 'open';
  channel: number;
  type: 'udp4' | 'udp6';
  localAddress: string;
  receiveBufferBytes: number;
  /** Replies are cut to this many bytes before they cross to the survey's thread. */
  maxReplyBytes: number;
}

/** Datagrams to send: the i-th goes to `addresses[i]`:`ports[i]` with `payload[ends[i-1] .. ends[i]]`. */
export interface SendBatchMessage {
  kind: 'send';
  channel: number;
  batch: number;
  addresses: string[];
  ports: Uint16Array;
  payload: Uint8Array;
  ends: Uint32Array;
}

/** Close one channel's socket (a sweep ended; the thread stays for the next). */
export interface CloseChannelMessage {
  kind: 'close-channel';
  channel: number;
}

export interface CloseSenderMessage {
  kind: 'close';
}

export type ToSenderMessage = OpenChannelMessage | SendBatchMessage | CloseChannelMessage | CloseSenderMessage;

/** The thread has loaded and listens. */
export interface SenderReadyMessage {
  kind: 'ready';
}

export interface OpenedMessage {
  kind: 'opened';
  channel: number;
  /** Why the socket could not be opened; absent when it was. */
  error?: string;
}

/** Every datagram of a batch has completed; those the kernel refused are listed with why. */
export interface BatchSentMessage {
  kind: 'sent';
  batch: number;
  refusedIndexes: number[];
  refusals: string[];
}

/** Datagrams a channel's socket received (each cut to the reply cap). */
export interface RepliesMessage {
  kind: 'replies';
  channel: number;
  addresses: string[];
  ports: number[];
  data: Uint8Array[];
}

export type FromSenderMessage = SenderReadyMessage | OpenedMessage | BatchSentMessage | RepliesMessage;
