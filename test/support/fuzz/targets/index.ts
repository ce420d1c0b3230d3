/**
 * Every fuzz target, by name: the parsers of files a user gives (feeds, logs, scan results,
 * captures, configuration) and the decoders of what the network sends. Each module exports its
 * `targets`; a worker imports only its target's module (targetModuleOf), since loading every
 * parser costs ~450 ms of CPU and the test suite starts a worker for each of the 45 targets.
 */
import type { FuzzTarget } from '../target.ts';
import { targets as captures } from './captures.ts';
import { targets as config } from './config.ts';
import { targets as detectionInputs } from './detection-inputs.ts';
import { targets as feeds } from './feeds.ts';
import { targets as lists } from './lists.ts';
import { targets as logs } from './logs.ts';
import { targets as protocolsTcp } from './protocols-tcp.ts';
import { targets as protocolsUdp } from './protocols-udp.ts';

/** The modules under targets/ (file name without .ts) and the targets each exports. */
const targetModules: ReadonlyArray<{ module: string; targets: readonly FuzzTarget[] }> = [
  { module: 'captures', targets: captures },
  { module: 'feeds', targets: feeds },
  { module: 'logs', targets: logs },
  { module: 'config', targets: config },
  { module: 'detection-inputs', targets: detectionInputs },
  { module: 'lists', targets: lists },
  { module: 'protocols-tcp', targets: protocolsTcp },
  { module: 'protocols-udp', targets: protocolsUdp },
];

export const fuzzTargets: readonly FuzzTarget[] = targetModules.flatMap((entry) => entry.targets);

/** The target called `name`; throws a line listing the names when there is none. */
export function targetNamed(name: string): FuzzTarget {
  const target = fuzzTargets.find((candidate) => candidate.name === name);
  if (!target) throw new Error(`no fuzz target "${name}" (known: ${fuzzTargets.map((candidate) => candidate.name).join(', ')})`);
  return target;
}

/**
 * The module under targets/ that defines target `name`, for a worker to import alone.
 * @example targetModuleOf('kev') // 'feeds'
 */
export function targetModuleOf(name: string): string {
  const entry = targetModules.find((candidate) => candidate.targets.some((target) => target.name === name));
  if (!entry) throw new Error(`no fuzz target "${name}"`);
  return entry.module;
}
