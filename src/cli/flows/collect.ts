/**
 * `opennotice flows collect`: listen for NetFlow v5/v9/IPFIX until --duration or a signal,
 * then store and print the aggregates (raw flows only with --print-flows, one JSON line each
 * as they come; never stored).
 */
import { OpenNoticeError } from '../../core/errors.ts';
import { startFlowCollector } from '../../flows/collector.ts';
import { type FlowAggregate, FlowAggregator } from '../../flows/flow-aggregates.ts';
import type { FlowRecord } from '../../flows/flow-record.ts';
import { parseListenAddress } from '../../metrics/listen-address.ts';
import { defaultNativeCacheDirectory } from '../../scope/native-receiver-build.ts';
import { udpReceiverChoices } from '../../scope/udp-listener.ts';
import { integerOption, type CommandIo } from '../command.ts';
import { startContactRecording } from './cnc-contacts.ts';
import { persistAggregates, type PersistRequest } from './persist.ts';
import { renderAggregates, renderDecodeCounters } from './render.ts';

export interface CollectRequest {
  listen: string | undefined;
  durationSeconds: string | undefined;
  printFlows: boolean;
  json: boolean;
  persist: PersistRequest;
  /** Store the aggregates every this many minutes (default 60); not with --no-store, which keeps them all to print. */
  flushMinutes: string | undefined;
  /** auto (default), native or dgram: see docs/flows.md#receiving. */
  receiver: string | undefined;
}

export async function runCollect(request: CollectRequest, io: CommandIo): Promise<number> {
  if (request.listen === undefined) throw new OpenNoticeError('USAGE', 'flows collect needs --listen ADDR:PORT (e.g. 127.0.0.1:2055)');
  const listen = parseListenAddress(request.listen, 'listen');
  const receiver = udpReceiverChoices.find((choice) => choice === (request.receiver ?? 'auto'));
  if (receiver === undefined) throw new OpenNoticeError('USAGE', `--receiver must be one of ${udpReceiverChoices.join(', ')}, got "${request.receiver}"`);
  const durationSeconds = integerOption(request.durationSeconds, 'duration', { min: 1, max: 366 * 86_400 });
  // The C&C analysis's own record of the known bots' contacts (docs/flows.md#what-the-cc-analysis-keeps).
  const cncContacts = await startContactRecording(request.persist, io);
  const flushMinutes = integerOption(request.flushMinutes, 'flush-minutes', { min: 1, max: 24 * 60 }) ?? 60;
  let flushed = 0;
  let earlyFlushes = 0;
  // One write at a time: the final one waits for those still running.
  let writing: Promise<void> = Promise.resolve();
  let pendingWrites = 0;
  const write = async (rows: FlowAggregate[]) => {
    try {
      await persistAggregates(request.persist, rows, io);
      flushed += rows.length;
    } catch (error) {
      // The store being away for a while must not lose the counts, nor stop the collector.
      aggregator.restore(rows);
      io.stderr.write(`flows collect: storing aggregates failed, kept for the next try: ${error instanceof Error ? error.message : String(error)}\n`);
    } finally {
      pendingWrites--;
    }
    await cncContacts?.flush();
  };
  const enqueueWrite = (takeRows: () => FlowAggregate[]) => {
    pendingWrites++;
    writing = writing.then(() => write(takeRows()));
  };
  const storing = request.persist.location !== undefined;
  const aggregator = new FlowAggregator({
    // At the row cap the rows go to the store early (drained now, so the flow that hit the cap
    // finds room). With a write still running they would only pile up in memory behind it: the
    // aggregator counts the flows it cannot keep instead. Without a store all rows stay to be
    // printed, and flows past the cap are counted.
    onFull: storing
      ? () => {
          if (pendingWrites > 0) return;
          earlyFlushes++;
          const rows = aggregator.drain();
          enqueueWrite(() => rows);
        }
      : undefined,
  });
  // Consumers of FlowRecord objects: each costs an object per flow, so records are built only when one is here.
  const recordConsumers: Array<(flows: FlowRecord[]) => void> = [];
  if (cncContacts) recordConsumers.push((flows) => cncContacts.add(flows));
  if (request.printFlows) {
    recordConsumers.push((flows) => {
      for (const flow of flows) io.stdout.write(`${JSON.stringify(flow)}\n`);
    });
  }
  const collector = await startFlowCollector(
    {
      listen: {
        address: listen.host,
        port: listen.port,
        receiver,
        nativeBuild: { cacheDirectory: defaultNativeCacheDirectory(process.env) },
        onNotice: (text) => io.stderr.write(`flows collect: ${text}\n`),
      },
    },
    {
      columns: (batch) => aggregator.addColumns(batch),
      ...(recordConsumers.length > 0
        ? {
            records: (flows: FlowRecord[]) => {
              for (const consume of recordConsumers) consume(flows);
            },
          }
        : {}),
    },
  );
  // Tests and scripts wait for this line before exporting: the socket is bound once it is printed.
  io.stderr.write(`receiving with ${collector.receiverPid === undefined ? 'node:dgram' : `the native receiver (pid ${collector.receiverPid})`}\n`);
  io.stderr.write(`listening for flows on ${collector.address}:${collector.port}\n`);
  const flushTimer = storing ? setInterval(() => enqueueWrite(() => aggregator.drain()), flushMinutes * 60_000) : undefined;
  try {
    await new Promise<void>((resolve) => {
      const timer = durationSeconds === undefined ? undefined : setTimeout(resolve, durationSeconds * 1000);
      io.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  } finally {
    clearInterval(flushTimer);
    await collector.close();
  }
  await writing;
  const rows = aggregator.rows();
  const aggregation = { rows: rows.length, maxRows: aggregator.maxRows, droppedFlows: aggregator.droppedFlows, earlyFlushes };
  if (request.json)
    io.stdout.write(`${JSON.stringify({ counters: collector.decoder, listener: collector.listener, aggregation, aggregates: rows }, null, 2)}\n`);
  else if (!request.printFlows) io.stdout.write(renderAggregates(rows));
  io.stderr.write(renderDecodeCounters(collector.decoder));
  if (collector.listener.kernelDrops > 0) io.stderr.write(`${collector.listener.kernelDrops} datagrams dropped by the kernel (socket buffer full)\n`);
  if (collector.listener.oversized > 0) io.stderr.write(`${collector.listener.oversized} oversized datagrams dropped\n`);
  if (aggregator.droppedFlows > 0) io.stderr.write(`${aggregator.droppedFlows} flows not aggregated: ${aggregator.maxRows} rows held already\n`);
  if (earlyFlushes > 0) io.stderr.write(`${earlyFlushes} early stores: the aggregates reached ${aggregator.maxRows} rows before the period ended\n`);
  if (flushed > 0) io.stderr.write(`${flushed} aggregate rows were stored earlier, every ${flushMinutes} min (flows stats shows them all)\n`);
  await persistAggregates(request.persist, rows, io);
  await cncContacts?.close();
  return 0;
}
