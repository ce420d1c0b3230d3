/**
 * The demo's darknet step: some of the lab's weak devices are "infected" and scan a darknet
 * for a day; the capture is generated, read into the store like a real one, and the infected
 * devices come back as findings joined to what the survey identified.
 */
import { join } from 'node:path';
import { ingestCaptureFiles } from '../../darknet/ingest-run.ts';
import { summarizeWindows } from '../../darknet/stats.ts';
import { darknetRange } from '../../darknet/ingest.ts';
import { scoreDrdosAttacks } from '../../lab/darknet/drdos-score.ts';
import { generateDarknetCapture, labDarknet, labResearchRanges } from '../../lab/darknet/generate.ts';
import { chooseInfectedDevices } from '../../lab/darknet/infected-devices.ts';
import type { LabTruth } from '../../lab/types.ts';
import { renderInfectedModelsTable, summarizeInfectedModels } from '../../report/infected.ts';
import type { Store } from '../../store/store.ts';
import { scoreInfectedFindings } from '../../lab/score-against-truth.ts';
import type { CommandIo } from '../command.ts';
import { formatStatistics } from '../darknet/stats.ts';

export const demoDarknet = labDarknet;

export interface DemoDarknetOptions {
  store: Store;
  truth: LabTruth;
  /** Folder for the generated capture. */
  directory: string;
  seed: number;
  io: CommandIo;
}

/** @example await runDemoDarknetStep({ store, truth: lab.truth, directory: 'var', seed: 1, io }) */
export async function runDemoDarknetStep(options: DemoDarknetOptions): Promise<void> {
  const { io, store } = options;
  const infected = chooseInfectedDevices(options.truth, { seed: options.seed });
  const file = join(options.directory, 'demo-darknet.pcapng');
  io.stdout.write(
    `\nDarknet: ${infected.length} of the lab's weak devices are infected; generating a day of traffic to the darknet ${demoDarknet} and reading it like a real capture …\n`,
  );
  // Yesterday (UTC), so the darknet's day lines up with the survey that just ran.
  const yesterday = (Math.floor(Date.now() / 86_400_000) - 1) * 86_400_000 * 1000;
  const truth = await generateDarknetCapture({
    file,
    format: 'pcapng',
    darknet: demoDarknet,
    durationSeconds: 86_400,
    seed: options.seed,
    scale: 2,
    infectedSources: infected,
    researchRanges: labResearchRanges,
    startMicros: yesterday,
  });
  // The capture's research scanners are the lab's (documentation space), not the shipped list of real ones.
  const summary = await ingestCaptureFiles([file], { store, darknet: demoDarknet, researchRanges: labResearchRanges });
  const windows = await store.listDarknetWindows({ darknet: demoDarknet, periodSeconds: 86_400 });
  const attacks = await store.listDarknetAttacks({ darknet: demoDarknet, qualified: true });
  io.stdout.write(formatStatistics(summarizeWindows(windows, { darknet: demoDarknet, darknetSize: darknetRange(demoDarknet).size, attacks })));
  io.stdout.write(
    `scanners: ${summary.scanners}, of which ${summary.scannersOutsideSpace} outside the surveyed space (statistics only); infected findings opened: ${summary.findings.opened}\n`,
  );
  const findings = await store.listFindings({ kind: 'infected', status: 'open' });
  io.stdout.write(`\nWhich device models get infected (all: opennotice darknet infected --db ${store.location}):\n`);
  io.stdout.write(renderInfectedModelsTable(summarizeInfectedModels(findings, await store.listDevices()).slice(0, 10)));
  const score = scoreInfectedFindings(infected, findings);
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  io.stdout.write(
    `  infected devices     precision ${percent(score.precision)}  recall ${percent(score.recall)}  (${score.truePositives} right, ${score.falsePositives.length} false, ${score.falseNegatives.length} missed)\n`,
  );
  const drdos = scoreDrdosAttacks(truth.drdos.attacks, attacks);
  io.stdout.write(
    `  DRDoS attacks        precision ${percent(drdos.precision)}  recall ${percent(drdos.recall)}  (${drdos.truePositives} right, ${drdos.falsePositives.length} false, ${drdos.falseNegatives.length} missed; ${truth.drdos.decoys.length} decoys)\n`,
  );
}
