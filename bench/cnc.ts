// C&C benchmark: the rule-based detector against the lab's truth (test/support/cnc-lab.ts): a
// generated bot population beaconing with jitter to C&C endpoints, benign devices and bots
// alike contacting decoys (vendor clouds many devices contact, some on a strict heartbeat),
// allowlisted resolvers and time servers, and noise (web visits, scanning, hot scan targets).
// Precision and recall are pooled over several seeds (independent populations). `--small`:
// one smaller population. Nothing is sent anywhere: flows are records. Each seed is also run
// through what the flow collector keeps (src/cnc/contact-recorder.ts, flushed per 30,000
// flows) and scored from that, as `cnc detect` does from the store: it must find the same.
import { loadAllowlist } from '../src/cnc/allowlist.ts';
import { candidateKey } from '../src/cnc/candidate.ts';
import { type CncContactBatch, CncContactRecorder } from '../src/cnc/contact-recorder.ts';
import { detectCncCandidates, scoreEndpoints } from '../src/cnc/detect.ts';
import { endpointsFromStoredContacts } from '../src/cnc/stored-contacts.ts';
import { type CncLabOptions, defaultCncLabOptions, generateCncLab, measureAgainstTruth } from '../test/support/cnc-lab.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { endpointFeatures, featureNames, predict, trainLogistic } from './_cnc-logistic.ts';
import { printTarget } from './_target.ts';

const fullSeeds = [16, 1601, 1602, 1603, 1604];
/** The learned scorer is trained on populations the rules and it are never measured on. */
const trainingSeeds = [7001, 7002];

/**
 * Detector precision and recall on the lab; ends with `target: cnc_precision = …` and
 * `target: cnc_recall = …` (pooled over the seeds: true positives ÷ candidates, ÷ C&C endpoints).
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const pooled = measureCncOnLab(options);
  printTarget('cnc_precision', pooled.precision);
  printTarget('cnc_recall', pooled.recall);
}

/**
 * Prints the per-seed and pooled figures and returns the pooled precision and recall (the
 * flows benchmark ends with them too).
 * @example const { precision, recall } = measureCncOnLab({ small: true, args: [] })
 */
export function measureCncOnLab(options: BenchmarkOptions): { precision: number; recall: number } {
  const seeds = options.small ? [16] : fullSeeds;
  const sizes: Omit<CncLabOptions, 'seed'> = options.small ? { devices: 500, knownBots: 60, unknownBots: 10, hours: 2 } : defaultCncLabOptions;
  const allowlist = loadAllowlist();
  const training = (options.small ? trainingSeeds.slice(0, 1) : trainingSeeds).flatMap((seed) => {
    const lab = generateCncLab({ ...sizes, seed });
    return endpointFeatures(detectCncCandidates({ flows: lab.flows, knownBots: lab.knownBots, allowlist })).map((endpoint) => ({
      features: endpoint.features,
      label: lab.cncEndpoints.has(endpoint.key) ? (1 as const) : (0 as const),
    }));
  });
  const model = trainLogistic(training);
  process.stdout.write(
    `learned scorer: logistic regression on ${training.length} endpoints of seeds ${trainingSeeds.slice(0, options.small ? 1 : 2).join(', ')}; weights ${featureNames.map((name, index) => `${name} ${model.weights[index]!.toFixed(2)}`).join(', ')}\n`,
  );
  const learned = { candidates: 0, truePositives: 0 };
  let candidates = 0;
  let truePositives = 0;
  let truth = 0;
  let decoysFlagged = 0;
  let storePathDiffers = 0;
  for (const seed of seeds) {
    const lab = generateCncLab({ ...sizes, seed });
    const started = performance.now();
    const result = detectCncCandidates({ flows: lab.flows, knownBots: lab.knownBots, allowlist });
    const seconds = (performance.now() - started) / 1000;
    const measured = measureAgainstTruth(result.candidates, lab.cncEndpoints);
    const decoys = result.candidates.filter((candidate) => lab.decoys.has(candidateKey(candidate))).length;
    candidates += result.candidates.length;
    truePositives += result.candidates.length - measured.falsePositives.length;
    truth += lab.cncEndpoints.size;
    decoysFlagged += decoys;
    process.stdout.write(
      `seed ${seed}: ${lab.flows.length} flows, ${lab.knownBots.size} known bots, ${lab.cncEndpoints.size} C&C endpoints, ${lab.decoys.size} decoys; ` +
        `${result.candidates.length} candidates, precision ${measured.precision.toFixed(3)} recall ${measured.recall.toFixed(3)}, decoys flagged ${decoys}; ` +
        `${(lab.flows.length / seconds / 1e6).toFixed(2)} M flows/s\n`,
    );
    const learnedKeys = endpointFeatures(result)
      .filter((endpoint) => predict(model, endpoint.features) >= 0.5)
      .map((endpoint) => endpoint.key);
    learned.candidates += learnedKeys.length;
    learned.truePositives += learnedKeys.filter((key) => lab.cncEndpoints.has(key)).length;
    const recorder = new CncContactRecorder(lab.knownBots);
    const kept: CncContactBatch = { botContacts: [], endpointOtherSources: [], population: [] };
    for (let start = 0; start < lab.flows.length; start += 30_000) {
      recorder.add(lab.flows.slice(start, start + 30_000));
      const batch = recorder.drain();
      kept.botContacts.push(...batch.botContacts);
      kept.endpointOtherSources.push(...batch.endpointOtherSources);
      kept.population.push(...batch.population);
    }
    const fromStore = scoreEndpoints(endpointsFromStoredContacts(kept, { knownBots: lab.knownBots, allowlist }), {});
    const same = fromStore.candidates.map(candidateKey).sort().join() === result.candidates.map(candidateKey).sort().join();
    if (!same) storePathDiffers++;
    process.stdout.write(
      `  from what the collector keeps: ${kept.botContacts.length} bot contact rows, ${kept.endpointOtherSources.length} other-source sketches; ${fromStore.candidates.length} candidates, ${same ? 'the same' : 'DIFFERENT'}\n`,
    );
    if (measured.falsePositives.length > 0) process.stdout.write(`  false positives: ${measured.falsePositives.join(' ')}\n`);
    if (measured.missed.length > 0) process.stdout.write(`  missed: ${measured.missed.join(' ')}\n`);
  }
  process.stdout.write(
    `pooled over ${seeds.length} seeds: ${truePositives}/${candidates} candidates are C&C, ${truePositives}/${truth} C&C found, ${decoysFlagged} decoys flagged; the store path differs on ${storePathDiffers} seeds\n`,
  );
  process.stdout.write(
    `learned scorer, same seeds: precision ${(learned.candidates === 0 ? 0 : learned.truePositives / learned.candidates).toFixed(3)} recall ${(learned.truePositives / truth).toFixed(3)} (${learned.truePositives}/${learned.candidates} candidates; the targets are the rules')\n`,
  );
  return { precision: candidates === 0 ? 0 : truePositives / candidates, recall: truth === 0 ? 0 : truePositives / truth };
}

/**
 * Candidate detection time on a generated day (or `hours`) of flows of `devices` subscribers' devices:
 * the lab at that scale, timed from its flows to the candidates.
 * @example const { flows, seconds } = timeCncDetection(1000, 24, 16)
 */
export function timeCncDetection(devices: number, hours: number, seed: number): { flows: number; seconds: number; candidates: number } {
  const knownBots = Math.max(60, Math.round(devices / 10));
  const lab = generateCncLab({ seed, devices, knownBots, unknownBots: Math.round(knownBots / 6), hours });
  const started = process.cpuUsage();
  const result = detectCncCandidates({ flows: lab.flows, knownBots: lab.knownBots, allowlist: loadAllowlist() });
  const used = process.cpuUsage(started);
  return { flows: lab.flows.length, seconds: (used.user + used.system) / 1e6, candidates: result.candidates.length };
}
