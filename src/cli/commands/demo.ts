import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { OpenNoticeError } from '../../core/errors.ts';
import { defineCommand, integerOption, listOption } from '../command.ts';
import { createSurveyDeps } from '../survey-deps.ts';
import { ruleOptionSpecs, rulePathsFromOptions } from '../survey-options.ts';
import { createProgressReporter } from '../progress-bar.ts';
import { formatSurveySummary } from '../summary.ts';
import { formatBreakdowns, formatScores } from '../demo/report.ts';
import { demoClock } from '../demo/clock.ts';
import { runDemoFollowUp } from '../demo/follow-up.ts';
import { serveDemo } from '../demo/serve.ts';
import { labAttemptsPerHost, labAttemptsPerService } from '../../lab/credentials.ts';
import { defaultLabOptions } from '../../lab/options.ts';
import { renderFindingsTable } from '../../report/findings.ts';
import { isPostgresLocation } from '../../store/open-store.ts';
import { openAuditedStore } from '../audited-store.ts';
import { runSurvey } from '../../survey/run-survey.ts';
import type { SurveyRequest } from '../../survey/request.ts';
import { startLabProcess } from '../../lab/lab-child-process.ts';
import type { LabTruth } from '../../lab/types.ts';
import { importFeedFile } from '../../assess/firmware/feeds/import.ts';
import { renderVulnerabilitiesTable, summarizeVulnerabilities } from '../../report/vulnerabilities.ts';
import { shippedProtocols } from '../../protocols/registry.ts';
import { defaultPortsFor } from '../../survey/ports/survey-ports.ts';

export default defineCommand({
  name: 'demo',
  summary:
    'Start the lab, survey it for weak credentials and vulnerable firmware, observe its infected devices in a darknet, and print what was found and how accurate it was.',
  usage: '[--devices N] [--seed N] [--db FILE] [--port PORT | --no-serve] [--rules PATH] [--config FILE]',
  details: `The whole first NOTICE survey on one machine, no set-up: a simulated IoT network of
${defaultLabOptions.deviceCount} devices on ${defaultLabOptions.cidr}, a credential survey of every address and port,
findings device by device, breakdowns by device type, vendor and age, a day of darknet traffic
in which some weak devices scan as bots (infected findings, by model), and precision/recall
against the lab's ground truth. Results stay in the store for 'opennotice findings --db FILE'.`,
  options: {
    devices: { type: 'string', valueName: 'N', description: 'lab size', default: String(defaultLabOptions.deviceCount) },
    seed: { type: 'string', valueName: 'N', description: 'lab seed', default: String(defaultLabOptions.seed) },
    db: { type: 'string', valueName: 'FILE', description: 'store for the demo (replaced on each run)', default: 'var/demo.sqlite' },
    rows: { type: 'string', valueName: 'N', description: 'findings to print', default: '20' },
    port: { type: 'string', valueName: 'PORT', description: 'port of the web server opened at the end (0: any free port)', default: '8080' },
    'no-serve': { type: 'boolean', description: 'end after the printout instead of opening the web server' },
    feed: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description:
        "more vulnerability data to import (NVD 2.0, CVE JSON 5, KEV, JVN files or folders), e.g. real NVD records for the lab's real-product devices",
    },
    ...ruleOptionSpecs,
  },
  async run(values, _positionals, io) {
    const cidr = defaultLabOptions.cidr;
    const devices = integerOption(values.devices, 'devices', { min: 10, max: 60_000 }) ?? defaultLabOptions.deviceCount;
    const seed = integerOption(values.seed, 'seed', { min: 0, max: 2 ** 32 - 1 }) ?? defaultLabOptions.seed;
    const db = String(values.db);
    // The demo deletes and recreates its store on every run: never a shared PostgreSQL database.
    if (isPostgresLocation(db)) throw new OpenNoticeError('USAGE', '--db: the demo replaces its store on each run, so it must be an SQLite file, not a URL');
    const rules = rulePathsFromOptions(values);
    io.stdout.write(`Starting the lab: ${devices} simulated IoT devices on ${cidr} (seed ${seed}) …\n`);
    const lab = await startLabProcess({ cidr, seed, devices });
    try {
      const ports = defaultPortsFor(shippedProtocols.defaultSurveyPorts);
      io.stdout.write(`Surveying ${cidr} on the ${ports.length} default IoT ports (docs/formats.md), with the credentials and firmware checks …\n`);
      mkdirSync(dirname(db), { recursive: true });
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
      const store = await openAuditedStore(db); // runs, attempts, deliveries and decisions go into the audit trail
      const reporter = createProgressReporter(io.stderr);
      try {
        const feeds = [lab.feedFile, ...listOption(values.feed)];
        for (const file of feeds) {
          const imported = await importFeedFile(store, file);
          io.stdout.write(
            `Imported vulnerability data: ${file === lab.feedFile ? "the lab's synthetic feed" : file} (${imported.format}: ${imported.inserted + imported.updated + imported.unchanged} records${imported.skipped.length ? `, ${imported.skipped.length} skipped` : ''})\n`,
          );
        }
        const surveyRequest: SurveyRequest = {
          targets: [cidr],
          checks: ['credentials', 'firmware'],
          // Only the UDP ports the lab's devices answer on: every other UDP port of every address would
          // only collect ICMP unreachables, at about 11 s a port on a /16.
          udpPorts: labUdpPorts(lab.truth),
          // Stands for the name an operator controls (a plan's resolverCheckName): the lab's open resolvers answer any.
          resolverCheckName: 'resolver-check.opennotice.example',
          seed: 1,
          ...(rules.length > 0 ? { rules } : {}),
          limits: {
            perHostConcurrent: 2,
            connectTimeoutMs: 1500,
            ioTimeoutMs: 3000,
            deadlineMs: 10_000,
            maxBytes: 262_144,
            // The lab's bounds, as a plan would set them: every weak pair of the lab is within them.
            maxAttemptsPerService: labAttemptsPerService,
            maxAttemptsPerHost: labAttemptsPerHost,
          },
        };
        // The demo lives a month: the survey is day 0, thirty days ago; the follow-up moves the clock on.
        const clock = demoClock({ startDaysAgo: 30 });
        const deps = createSurveyDeps({ store, signal: io.signal, onProgress: reporter.update, now: clock.now });
        const summary = await runSurvey(surveyRequest, deps);
        reporter.finish();
        io.stdout.write(`\n${formatSurveySummary(summary, db)}`);
        const findings = await store.listFindings({ status: 'open' });
        const rows = integerOption(values.rows, 'rows', { min: 0, max: 1_000_000 }) ?? 20;
        if (rows > 0 && findings.length > 0) {
          io.stdout.write(`\nFindings (first ${Math.min(rows, findings.length)} of ${findings.length}; all with: opennotice findings --db ${db}):\n`);
          io.stdout.write(renderFindingsTable(findings.slice(0, rows), { color: Boolean(io.stdout.isTTY) }));
        }
        const vulnerabilities = summarizeVulnerabilities(findings);
        if (vulnerabilities.length > 0) {
          io.stdout.write(
            `\nVulnerabilities matched, most worth notifying first (top ${Math.min(10, vulnerabilities.length)} of ${vulnerabilities.length}; all with: opennotice vulns --db ${db}):\n`,
          );
          io.stdout.write(renderVulnerabilitiesTable(vulnerabilities.slice(0, 10)));
        }
        const credentialFindings = findings.filter((row) => row.kind !== 'vulnerable-firmware');
        io.stdout.write(`\n${formatBreakdowns(credentialFindings)}`);
        const importedCves = new Set((await store.listVulnerabilities()).map((record) => record.cveId));
        io.stdout.write(
          `\n${formatScores(lab.truth, credentialFindings, await store.listDevices(), { firmware: { findings, importedCves }, services: await store.listServices(), udp: (surveyRequest.udpPorts ?? []).length > 0 })}`,
        );
        if (summary.status !== 'interrupted') {
          const quiet = { ...deps, onProgress: undefined };
          await runDemoFollowUp({ store, lab, cidr, seed, clock, surveyRequest, deps: quiet, io });
          await lab.stop();
          if (!values['no-serve']) await serveDemo({ store, port: integerOption(values.port, 'port', { min: 0, max: 65535 }) ?? 8080, io });
        }
        return summary.status === 'interrupted' ? 130 : 0;
      } finally {
        reporter.finish();
        await store.close();
      }
    } finally {
      await lab.stop();
    }
  },
});

/** The UDP ports the lab's devices answer on that a shipped UDP protocol speaks, ascending. */
function labUdpPorts(truth: LabTruth): number[] {
  const ports = new Set(truth.devices.flatMap((device) => (device.udpServices ?? []).map((service) => service.port)));
  return [...ports].filter((port) => shippedProtocols.forUdpPort(port) !== undefined).sort((a, b) => a - b);
}
