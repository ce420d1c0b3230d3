/** `opennotice flows import FILE...`: flows from pcap/pcapng captures, stored and printed as aggregates (raw flows only printed, with --print-flows). */
import { OpenNoticeError } from '../../core/errors.ts';
import { FlowAggregator } from '../../flows/flow-aggregates.ts';
import { flowsFromCapture } from '../../flows/pcap-flows.ts';
import { integerOption, type CommandIo } from '../command.ts';
import { startContactRecording } from './cnc-contacts.ts';
import { persistAggregates, type PersistRequest } from './persist.ts';
import { renderAggregates } from './render.ts';

export interface ImportRequest {
  files: readonly string[];
  idleTimeoutSeconds: string | undefined;
  printFlows: boolean;
  json: boolean;
  persist: PersistRequest;
}

export async function runImport(request: ImportRequest, io: CommandIo): Promise<number> {
  if (request.files.length === 0) throw new OpenNoticeError('USAGE', 'flows import needs at least one capture file');
  const idleSeconds = integerOption(request.idleTimeoutSeconds, 'idle-timeout', { min: 1, max: 86_400 }) ?? 15;
  const aggregator = new FlowAggregator();
  // The C&C analysis's own record of the known bots' contacts, as `collect` keeps it.
  const cncContacts = await startContactRecording(request.persist, io);
  for (const file of request.files) {
    const stats = await flowsFromCapture(
      file,
      (flow) => {
        aggregator.add(flow);
        cncContacts?.add([flow]);
        if (request.printFlows) io.stdout.write(`${JSON.stringify(flow)}\n`);
      },
      { idleTimeoutMs: idleSeconds * 1000 },
    );
    io.stderr.write(
      `${file}: ${stats.flows} flows from ${stats.capture.packets} packets (${stats.skippedPackets} not IP, ${stats.evicted} ended early: table full)\n`,
    );
  }
  const rows = aggregator.rows();
  if (request.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (!request.printFlows) io.stdout.write(renderAggregates(rows));
  await persistAggregates(request.persist, rows, io);
  await cncContacts?.close();
  return 0;
}
