/** `opennotice darknet generate`: a lab capture with ground truth, for trying the rest out. */
import { writeFileSync } from 'node:fs';
import { OpenNoticeError } from '../../core/errors.ts';
import { generateDarknetCapture, labDarknet, labResearchRanges } from '../../lab/darknet/generate.ts';
import { integerOption, listOption, type CommandIo } from '../command.ts';
import type { DarknetCommandContext } from './context.ts';
import type { DarknetValues } from './options.ts';

/**
 * Where the capture's research-scanner list goes: beside the capture, named after it.
 * @example researchListFileFor('var/dark.pcapng') // 'var/dark-research.txt'
 */
function researchListFileFor(capture: string): string {
  return `${capture.replace(/\.(pcapng|pcap)(\.gz)?$/i, '')}-research.txt`;
}

export async function runGenerate(context: DarknetCommandContext, values: DarknetValues, io: CommandIo): Promise<number> {
  if (typeof values.out !== 'string') throw new OpenNoticeError('USAGE', 'generate needs --out FILE');
  // The research scanners of a lab capture are the lab's (documentation space), never a real list.
  if (context.researchFile !== undefined)
    throw new OpenNoticeError(
      'USAGE',
      `generate: the capture's research scanners are the lab's (${labResearchRanges.join(', ')}); --research is for ingest, capture and stats`,
    );
  const darknet = context.darknet ?? labDarknet;
  const truth = await generateDarknetCapture({
    file: values.out,
    format: values.out.endsWith('.pcapng') ? 'pcapng' : 'pcap',
    darknet,
    durationSeconds: (integerOption(values.days, 'days', { min: 1, max: 365 }) ?? 1) * 86_400,
    seed: integerOption(values.seed, 'seed', { min: 0, max: 2 ** 32 - 1 }) ?? 1,
    scale: integerOption(values.scale, 'scale', { min: 1, max: 10_000 }) ?? 1,
    infectedSources: listOption(values.infected),
    researchRanges: labResearchRanges,
  });
  if (typeof values.truth === 'string') writeFileSync(values.truth, `${JSON.stringify(truth, null, 2)}\n`);
  // Ingesting the capture with the shipped list of real research scanners would count the lab's
  // researchers as bots: the list is written beside the capture, for --research.
  const researchFile = researchListFileFor(values.out);
  writeFileSync(
    researchFile,
    [
      `# The research scanners of the lab capture ${values.out} (the lab's documentation range, not real scanners).`,
      `# opennotice darknet ingest ${values.out} --darknet ${darknet} --research ${researchFile}`,
      ...truth.researchRanges,
      '',
    ].join('\n'),
  );
  io.stdout.write(`wrote ${truth.packets} packets from ${truth.sources.length} sources to ${values.out} (darknet ${darknet})\n`);
  io.stdout.write(`its research scanners: ${researchFile} (ingest it with --darknet ${darknet} --research ${researchFile})\n`);
  return 0;
}
