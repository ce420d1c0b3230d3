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
import { persistAggregates, type PersistRequest } from './persist.ts';
import { renderAggregates, renderDecodeCounters } from './render.ts';

export interface CollectRequest {
  listen: string | undefined;
  durationSeconds: string | undefined;
  printFlows: boolean;
  json: boolean;
  persist: PersistRequest;
}

export async function runCollect(request: CollectRequest, io: CommandIo): Promise<number> {
  if (request.listen === undefined) throw new OpenNoticeError('USAGE', 'flows collect needs --listen ADDR:PORT (e.g. 127.0.0.1:2055)');
  const listen = parseListenAddress(request.listen, 'listen');
  const durationSeconds = integerOption(request.durationSeconds, 'duration', { min: 1, max: 366 * 86_400 });
  const aggregator = new FlowAggregator();
  const collector = await startFlowCollector({ listen: { address: listen.host, port: listen.port } }, (flows) => {
    for (const flow of flows) {
      aggregator.add(flow);
      if (request.printFlows) io.stdout.write(`${JSON.stringify(flow)}\n`);
    }
  });
  // Tests and scripts wait for this line before exporting: the socket is bound once it is printed.
  io.stderr.write(`listening for flows on ${collector.address}:${collector.port}\n`);
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
    await collector.close();
  }
  const rows = aggregator.rows();
  if (request.json) io.stdout.write(`${JSON.stringify({ counters: collector.decoder, listener: collector.listener, aggregates: rows }, null, 2)}\n`);
  else if (!request.printFlows) io.stdout.write(renderAggregates(rows));
  io.stderr.write(renderDecodeCounters(collector.decoder));
  if (collector.listener.oversized > 0) io.stderr.write(`${collector.listener.oversized} oversized datagrams dropped\n`);
  await persistAggregates(request.persist, rows, io);
  return 0;
}
