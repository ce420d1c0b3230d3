/**
 * `opennotice flows collect`: listen for NetFlow v5/v9/IPFIX until --duration or a signal,
 * then store and print the aggregates (raw flows only with --print-flows, one JSON line each
 * as they come; never stored).
 */
import { OpenNoticeError } from '../../core/errors.ts';
import { startFlowCollector } from '../../flows/collector.ts';
import { FlowAggregator } from '../../flows/flow-aggregates.ts';
import { parseListenAddress } from '../../metrics/listen-address.ts';
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
}

export async function runCollect(request: CollectRequest, io: CommandIo): Promise<number> {
  if (request.listen === undefined) throw new OpenNoticeError('USAGE', 'flows collect needs --listen ADDR:PORT (e.g. 127.0.0.1:2055)');
  const listen = parseListenAddress(request.listen, 'listen');
  const durationSeconds = integerOption(request.durationSeconds, 'duration', { min: 1, max: 366 * 86_400 });
  const aggregator = new FlowAggregator();
  // The C&C analysis's own record of the known bots' contacts (docs/flows.md#what-the-cc-analysis-keeps).
  const cncContacts = await startContactRecording(request.persist, io);
  const collector = await startFlowCollector({ listen: { address: listen.host, port: listen.port } }, (flows) => {
    cncContacts?.add(flows);
    for (const flow of flows) {
      aggregator.add(flow);
      if (request.printFlows) io.stdout.write(`${JSON.stringify(flow)}\n`);
    }
  });
  // Tests and scripts wait for this line before exporting: the socket is bound once it is printed.
  io.stderr.write(`listening for flows on ${collector.address}:${collector.port}\n`);
  const flushMinutes = integerOption(request.flushMinutes, 'flush-minutes', { min: 1, max: 24 * 60 }) ?? 60;
  let flushed = 0;
  const flush = async () => {
    const rows = aggregator.drain();
    try {
      await persistAggregates(request.persist, rows, io);
      flushed += rows.length;
    } catch (error) {
      // The store being away for a while must not lose the counts, nor stop the collector.
      aggregator.restore(rows);
      io.stderr.write(`flows collect: storing aggregates failed, kept for the next try: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    await cncContacts?.flush();
  };
  // One write at a time: the final one waits for a periodic one still running.
  let writing: Promise<void> = Promise.resolve();
  const flushTimer =
    request.persist.location === undefined
      ? undefined
      : setInterval(() => {
          writing = writing.then(flush);
        }, flushMinutes * 60_000);
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
  if (request.json) io.stdout.write(`${JSON.stringify({ counters: collector.decoder, listener: collector.listener, aggregates: rows }, null, 2)}\n`);
  else if (!request.printFlows) io.stdout.write(renderAggregates(rows));
  io.stderr.write(renderDecodeCounters(collector.decoder));
  if (collector.listener.oversized > 0) io.stderr.write(`${collector.listener.oversized} oversized datagrams dropped\n`);
  if (flushed > 0) io.stderr.write(`${flushed} aggregate rows were stored earlier, every ${flushMinutes} min (flows stats shows them all)\n`);
  await persistAggregates(request.persist, rows, io);
  await cncContacts?.close();
  return 0;
}
