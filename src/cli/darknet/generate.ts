/** `opennotice darknet generate`: a lab capture with ground truth, for trying the rest out. */
import { writeFileSync } from 'node:fs';
import { OpenNoticeError } from '../../core/errors.ts';
import { generateDarknetCapture } from '../../lab/darknet/generate.ts';
import { integerOption, listOption, type CommandIo } from '../command.ts';
import type { DarknetCommandContext } from './context.ts';
import type { DarknetValues } from './options.ts';

export async function runGenerate(context: DarknetCommandContext, values: DarknetValues, io: CommandIo): Promise<number> {
  if (typeof values.out !== 'string') throw new OpenNoticeError('USAGE', 'generate needs --out FILE');
  const truth = await generateDarknetCapture({
    file: values.out,
    format: values.out.endsWith('.pcapng') ? 'pcapng' : 'pcap',
    darknet: context.darknet,
    durationSeconds: (integerOption(values.days, 'days', { min: 1, max: 365 }) ?? 1) * 86_400,
    seed: integerOption(values.seed, 'seed', { min: 0, max: 2 ** 32 - 1 }) ?? 1,
    scale: integerOption(values.scale, 'scale', { min: 1, max: 10_000 }) ?? 1,
    infectedSources: listOption(values.infected),
  });
  if (typeof values.truth === 'string') writeFileSync(values.truth, `${JSON.stringify(truth, null, 2)}\n`);
  io.stdout.write(`wrote ${truth.packets} packets from ${truth.sources.length} sources to ${values.out}\n`);
  return 0;
}
