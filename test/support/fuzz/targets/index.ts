/**
 * Every fuzz target, by name: the parsers of files a user gives (feeds, logs, scan results,
 * captures, configuration) and the decoders of what the network sends.
 */
import type { FuzzTarget } from '../target.ts';
import { captureTargets } from './captures.ts';
import { configTargets } from './config.ts';
import { detectionInputTargets } from './detection-inputs.ts';
import { feedTargets } from './feeds.ts';
import { listTargets } from './lists.ts';
import { logTargets } from './logs.ts';
import { tcpProtocolTargets } from './protocols-tcp.ts';
import { udpProtocolTargets } from './protocols-udp.ts';

export const fuzzTargets: readonly FuzzTarget[] = [
  ...captureTargets,
  ...feedTargets,
  ...logTargets,
  ...configTargets,
  ...detectionInputTargets,
  ...listTargets,
  ...tcpProtocolTargets,
  ...udpProtocolTargets,
];

/** The target called `name`; throws a line listing the names when there is none. */
export function targetNamed(name: string): FuzzTarget {
  const target = fuzzTargets.find((candidate) => candidate.name === name);
  if (!target) throw new Error(`no fuzz target "${name}" (known: ${fuzzTargets.map((candidate) => candidate.name).join(', ')})`);
  return target;
}
