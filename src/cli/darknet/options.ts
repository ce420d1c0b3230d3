/** The options of `opennotice darknet`, shared by its subcommands. */
import type { OptionSpecs, OptionValues } from '../command.ts';
import { observabilityOptions } from '../observability.ts';
import { storeOption } from '../store-option.ts';

export const darknetOptions = {
  darknet: {
    type: 'string',
    valueName: 'CIDR',
    description: "the darknet the captures observed (ingest, capture, stats; generate: default the lab's 127.200.0.0/16)",
  },
  db: storeOption,
  research: {
    type: 'string',
    valueName: 'FILE',
    description: 'known research scanners: YAML like the shipped list, or one CIDR per line (default: the shipped list of well-known ones)',
  },
  space: { type: 'string', valueName: 'FILE', description: "ingest, honeypot: CIDR list counted as surveyed space besides the store's survey scopes" },
  'quiet-days': { type: 'string', valueName: 'N', description: 'ingest: close an infected finding after N days without scanning', default: '7' },
  interface: { type: 'string', valueName: 'IF', description: 'capture: network interface the darknet is routed to' },
  filter: { type: 'string', valueName: 'BPF', description: 'capture: narrows the capture further (added to "dst net DARKNET")' },
  duration: { type: 'string', valueName: 'SECONDS', description: 'capture: stop after this long (default: until Ctrl-C)' },
  'skip-corrupt': { type: 'boolean', description: 'skip and count corrupt records instead of stopping' },
  from: { type: 'string', valueName: 'DAY', description: 'stats from the store: first day (YYYY-MM-DD)' },
  to: { type: 'string', valueName: 'DAY', description: 'stats from the store: day after the last' },
  json: { type: 'boolean', description: 'stats, infected: JSON' },
  csv: { type: 'boolean', description: 'infected: CSV' },
  out: { type: 'string', valueName: 'FILE', description: 'generate: capture to write (.pcap or .pcapng)' },
  truth: { type: 'string', valueName: 'FILE', description: 'generate: ground truth JSON' },
  days: { type: 'string', valueName: 'N', description: 'generate: days of traffic', default: '1' },
  seed: { type: 'string', valueName: 'N', description: 'generate: seed', default: '1' },
  scale: { type: 'string', valueName: 'N', description: 'generate: multiplies the number of senders', default: '1' },
  infected: { type: 'string', multiple: true, valueName: 'IP', description: 'generate: lab device addresses that scan as bots' },
  ...observabilityOptions,
} as const satisfies OptionSpecs;

export type DarknetValues = OptionValues<typeof darknetOptions>;
