/**
 * Throughput of the identification engine: `npm run bench -- identify [devices]`.
 * Builds ~100 rules (the shipped common.yaml plus generated vendor rules shaped like the
 * lab's) and identifies a bounded number of synthetic devices with realistic observations
 * (a 4 KiB HTML body, headers, telnet, SSH and FTP banners). Prints devices per second.
 * `--small`: 2,000 devices.
 */
import { join } from 'node:path';
import { parseDataFile } from '../src/core/data-file.ts';
import type { ServiceObservation } from '../src/core/records.ts';
import { createIdentifier } from '../src/identify/engine.ts';
import { defaultRulesDirectory, loadRuleFiles, ruleSetFromDataFiles } from '../src/identify/rule-loader.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { printTarget } from './_target.ts';

const vendorCount = 18;
const smallDeviceCount = 2000;

function generatedRules(): string {
  const lines = ['rules:'];
  for (let vendor = 0; vendor < vendorCount; vendor++) {
    const name = `Vendor${vendor}`;
    lines.push(
      `  - { id: v${vendor}-title, protocol: http, field: title, pattern: '^${name} (?<model>[A-Z]{2,3}-\\d+[A-Z]*) Web', sets: { vendor: ${name}, deviceType: ip-camera }, confidence: 0.9 }`,
      `  - { id: v${vendor}-server, protocol: http, field: headers.server, pattern: '^${name}-httpd/(?<version>[\\d.]+)', sets: { vendor: ${name} }, confidence: 0.6 }`,
      `  - { id: v${vendor}-body, protocol: http, field: body, pattern: 'var product = "${name} (?<model>[A-Z]{2,3}-\\d+)"', sets: { vendor: ${name} }, confidence: 0.7 }`,
      `  - { id: v${vendor}-telnet, protocol: telnet, field: banner, pattern: '^${name} Linux \\(fw (?<version>[\\d.]+)\\)', sets: { vendor: ${name} }, confidence: 0.7 }`,
    );
  }
  return lines.join('\n');
}

/**
 * Devices identified per second; ends with `target: identify_devices_per_second`.
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const deviceCount = options.small ? smallDeviceCount : Math.min(Number(options.args[0] ?? 100_000) || 100_000, 1_000_000);
  const ruleSet = loadRuleFiles([join(defaultRulesDirectory, 'common.yaml')]);
  const extra = ruleSetFromDataFiles([parseDataFile(generatedRules(), 'generated.yaml', 'RULES_INVALID')]);
  ruleSet.rules.push(...extra.rules);
  const identifier = createIdentifier(ruleSet);

  const filler = '<div class="row"><span>settings</span><input type="text" name="field"></div>\n'.repeat(52);
  function observationsOf(index: number): ServiceObservation[] {
    const vendor = `Vendor${index % vendorCount}`;
    const base = { ip: `127.1.${(index >> 8) & 255}.${index & 255}`, status: 'success' as const, durationMs: 5, observedAt: '2025-01-01T00:00:00Z' };
    return [
      {
        ...base,
        port: 80,
        protocol: 'http',
        result: {
          status: 200,
          title: `${vendor} IPC-${index % 97} Web`,
          headers: { server: `${vendor}-httpd/1.${index % 9}`, 'content-type': 'text/html' },
          body: `<html><head><title>x</title></head><body>${filler}<script>var product = "${vendor} IPC-${index % 97}";</script></body></html>`,
          redirects: [],
        },
      },
      { ...base, port: 23, protocol: 'telnet', result: { banner: `${vendor} Linux (fw 5.${index % 7}.1)`, prompt: 'login:', promptKind: 'login' } },
      { ...base, port: 22, protocol: 'ssh', result: { version: 'SSH-2.0-dropbear_2014.63', protocolVersion: '2.0', software: 'dropbear_2014.63' } },
      { ...base, port: 21, protocol: 'ftp', result: { banner: 'FTP server ready', code: 220 } },
    ];
  }

  const devices = Array.from({ length: Math.min(deviceCount, 5_000) }, (_, index) => observationsOf(index));
  let identified = 0;
  const started = process.hrtime.bigint();
  for (let index = 0; index < deviceCount; index++) {
    if (identifier.identify('127.0.0.1', devices[index % devices.length])) identified++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perSecond = deviceCount / seconds;
  console.log(
    `${ruleSet.rules.length} rules, ${deviceCount} devices (${identified} identified) in ${seconds.toFixed(2)} s: ${Math.round(perSecond)} devices/s`,
  );
  printTarget('identify_devices_per_second', perSecond);
}
