/**
 * Lightweight wide-area scanning: `npm run bench -- lightweight [devices] [rounds]`. Simulated
 * survey rounds over the lab's population in 127.153.0.0/16 (test/support/lab/probe-rounds.ts: devices
 * clustered in access /24s, appearing, moving, changing and fixed week by week, a long tail of
 * services off their usual port) on the survey's default TCP ports. Every budget starts with one
 * full sweep, then plans each round from what it saw itself (survey/probe-planner/); the table
 * is the share of a full sweep's findings the planned probes reach, per round and overall, for
 * probe shares of 5 … 100 %. No sockets: the probes are scored against the simulated truth.
 * `--small`: a /20 with 250 devices, 4 rounds.
 */
import { evaluatePlanner, missReasons, type BudgetRecall } from '../test/support/lab/probe-evaluation.ts';
import { generateProbeRounds } from '../test/support/lab/probe-rounds.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { defaultPortsFor } from '../src/survey/ports/survey-ports.ts';
import { probeSources } from '../src/survey/probe-planner/plan.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { printTarget } from './_target.ts';

const shares = [0.05, 0.1, 0.2, 0.3, 0.5, 1];
const targetShare = 0.2;

const percent = (share: number) => `${Math.round(share * 100)} %`;
const fixed = (value: number) => value.toFixed(3);

/**
 * The recall table; ends with `target: recall_at_20pct_probes` (findings recall, all planned
 * rounds together, with 20 % of the full sweep's probes; the aim is ≥ 0.95).
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const cidr = options.small ? '127.153.0.0/20' : '127.153.0.0/16';
  const deviceCount = options.small ? 250 : Math.min(Number(options.args[0] ?? 4000) || 4000, 40_000);
  const roundCount = options.small ? 4 : Math.min(Math.max(2, Number(options.args[1] ?? 7) || 7), 20);
  const ports = defaultPortsFor(shippedProtocols.defaultSurveyPorts);
  const rounds = generateProbeRounds({ cidr, seed: 1, deviceCount, rounds: roundCount, ports });
  const addresses = 2 ** (32 - Number(cidr.split('/')[1]));
  process.stdout.write(
    `lightweight scanning, simulated: ${cidr} (${addresses.toLocaleString('en')} addresses) × ${ports.length} ports = ${(addresses * ports.length).toLocaleString('en')} probes per full sweep; ` +
      `${deviceCount} devices at first, ${roundCount} rounds (round 0 a full sweep, then planned), seed 1\n`,
  );
  process.stdout.write(`devices per round: ${rounds.map((round) => round.devices.length).join(' ')}\n`);
  const curve = evaluatePlanner(rounds, { cidr, ports, shares, seed: 1 });

  const roundNumbers = curve[0]!.rounds.map((round) => round.round);
  process.stdout.write(`\nfindings recall (reached ÷ a full sweep's findings) by probe share and round\n`);
  process.stdout.write(`share   ${roundNumbers.map((round) => `round ${round}`.padStart(8)).join(' ')}  overall  probes spent\n`);
  for (const point of curve) {
    const cells = point.rounds.map((round) => fixed(round.recall).padStart(8)).join(' ');
    process.stdout.write(`${percent(point.share).padStart(5)}   ${cells}  ${fixed(point.recall).padStart(7)}  ${percent(point.probeShare)}\n`);
  }
  const atTarget = curve.find((point) => point.share === targetShare)!;
  process.stdout.write(`findings per round: ${atTarget.rounds.map((round) => round.findings).join(' ')}\n`);
  describeMisses(atTarget);
  printTarget('recall_at_20pct_probes', atTarget.recall);
}

/** Where the 20 % plan fails: the findings it missed, by why, and what it spent its probes on. */
function describeMisses(point: BudgetRecall): void {
  const missed = Object.fromEntries(missReasons.map((reason) => [reason, point.rounds.reduce((sum, round) => sum + round.missed[reason], 0)]));
  const oddPorts = point.rounds.reduce((sum, round) => sum + round.missedOnOddPorts, 0);
  const total = point.rounds.reduce((sum, round) => sum + round.findings - round.reached, 0);
  process.stdout.write(
    `missed at ${percent(point.share)}: ${total} findings — ${missReasons.map((reason) => `${reason} ${missed[reason]}`).join(', ')}; of them on a port not usual for the service ${oddPorts}\n`,
  );
  const spent = Object.fromEntries(probeSources.map((source) => [source, point.rounds.reduce((sum, round) => sum + round.bySource[source], 0)]));
  const probes = point.rounds.reduce((sum, round) => sum + round.probes, 0);
  process.stdout.write(
    `probes at ${percent(point.share)} by source: ${probeSources.map((source) => `${source} ${percent(spent[source]! / probes)}`).join(', ')}\n`,
  );
}
