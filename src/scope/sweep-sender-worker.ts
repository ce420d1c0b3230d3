/**
 * A sweep's sender thread (ZMap's sender threads): it owns unconnected UDP sockets, hands the
 * survey thread's batches of datagrams to the kernel, and passes every datagram its sockets
 * receive back in batches. It lives as long as the dialer that started it; each sweep opens
 * and closes its own sockets on it. It decides nothing: every address it is given has passed the
 * dialer's gate on the survey's thread, and every reply is matched there.
 */
import { createSocket, type Socket as DatagramSocket } from 'node:dgram';
import { type MessagePort, parentPort } from 'node:worker_threads';
import { literalAddressLookup } from './sweep-channel.ts';
import type { FromSenderMessage, OpenChannelMessage, RepliesMessage, SendBatchMessage, ToSenderMessage } from './sweep-sender-messages.ts';

/** Replies held before they are passed on even within one event-loop turn. */
const repliesPerMessage = 256;

function serveSweepSender(port: MessagePort): void {
  const sockets = new Map<number, DatagramSocket>();
  const post = (message: FromSenderMessage) => port.postMessage(message);

  const received = new Map<number, RepliesMessage>();
  let flushScheduled = false;
  const flushReplies = () => {
    flushScheduled = false;
    for (const message of received.values()) post(message);
    received.clear();
  };
  const onReply = (channel: number, maxReplyBytes: number) => (data: Buffer, from: { address: string; port: number }) => {
    let message = received.get(channel);
    if (!message) {
      message = { kind: 'replies', channel, addresses: [], ports: [], data: [] };
      received.set(channel, message);
    }
    message.addresses.push(from.address);
    message.ports.push(from.port);
    message.data.push(data.length > maxReplyBytes ? data.subarray(0, maxReplyBytes) : data);
    if (message.data.length >= repliesPerMessage) flushReplies();
    else if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushReplies);
    }
  };

  const open = (message: OpenChannelMessage) => {
    const socket = createSocket({ type: message.type, lookup: literalAddressLookup });
    const failed = (error: Error) => post({ kind: 'opened', channel: message.channel, error: error.message });
    socket.once('error', failed);
    socket.on('message', onReply(message.channel, message.maxReplyBytes));
    socket.bind({ address: message.localAddress, port: 0 }, () => {
      socket.off('error', failed);
      try {
        socket.setRecvBufferSize(message.receiveBufferBytes);
      } catch {
        // the kernel caps it at net.core.rmem_max; a refusal leaves the default
      }
      socket.on('error', () => {});
      sockets.set(message.channel, socket);
      post({ kind: 'opened', channel: message.channel });
    });
  };

  const send = (message: SendBatchMessage) => {
    const socket = sockets.get(message.channel);
    const count = message.addresses.length;
    const refusedIndexes: number[] = [];
    const refusals: string[] = [];
    let remaining = count;
    const completed = (index: number) => (error: Error | null) => {
      if (error) {
        refusedIndexes.push(index);
        refusals.push(error.message);
      }
      if (--remaining === 0) post({ kind: 'sent', batch: message.batch, refusedIndexes, refusals });
    };
    for (let index = 0, start = 0; index < count; index++) {
      const end = message.ends[index]!;
      const done = completed(index);
      if (!socket) done(new Error(`sender thread: channel ${message.channel} is not open`));
      else {
        try {
          socket.send(message.payload.subarray(start, end), message.ports[index]!, message.addresses[index]!, done);
        } catch (error) {
          done(error instanceof Error ? error : new Error(String(error)));
        }
      }
      start = end;
    }
    if (count === 0) post({ kind: 'sent', batch: message.batch, refusedIndexes, refusals });
  };

  port.on('message', (message: ToSenderMessage) => {
    if (message.kind === 'open') open(message);
    else if (message.kind === 'send') send(message);
    else if (message.kind === 'close-channel') {
      received.delete(message.channel);
      sockets.get(message.channel)?.close();
      sockets.delete(message.channel);
    } else {
      flushReplies();
      for (const socket of sockets.values()) socket.close();
      sockets.clear();
      port.close();
    }
  });
  post({ kind: 'ready' });
}

if (parentPort) serveSweepSender(parentPort);
