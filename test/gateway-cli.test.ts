// `opennotice gateway` and `gateway-reports` as a user runs them, against `opennotice serve` on
// loopback (127.165.3.1): a dry run prints the ruleset for the ISP's device only, without root
// or nft, after checking the blocklist's signature (a stranger's key refuses it); a bad token file, a refused token and an unreachable server fail with their codes;
// the operator reads the reports back.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { generateSigningKey } from '../src/blocklist/signing.ts';
import { openStore } from '../src/store/open-store.ts';
import { startCli } from './support/cli-process.ts';
import { prepareGatewayStore } from './support/gateway-store.ts';

const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--disable-warning=ExperimentalWarning', entry, ...args], { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('gateway --dry-run, its coded failures, and gateway-reports', { timeout: 90_000 }, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-gateway-cli-'));
  const storeFile = join(directory, 'store.sqlite');
  const signing = generateSigningKey(join(directory, 'signing.key'));
  const stranger = generateSigningKey(join(directory, 'stranger.key'));
  const serve = startCli(['serve', '--db', storeFile, '--host', '127.165.3.1', '--port', '0', '--blocklist-sign-key', signing.privateKeyFile]);
  try {
    const tokenFile = join(directory, 'token');
    writeFileSync(tokenFile, `${await prepareGatewayStore(storeFile, { device: '198.18.165.2', neighbour: '198.18.165.3', cnc: '198.19.165.66' })}\n`);
    const url = /(http:\/\/127\.165\.3\.1:\d+)/.exec(await serve.waitForLine('stdout', (line) => line.includes('web server on'), 30_000))![1]!;
    const common = ['--token-file', tokenFile, '--lan-interface', 'lan0', '--network', '198.18.165.0/24', '--walled-garden-listen', '198.18.165.1:8080'];

    const dry = await cli(['gateway', '--dry-run', '--server', url, ...common, '--public-key', signing.publicKeyFile]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^table inet opennotice_gw$/m);
    assert.match(dry.stdout, /198\.19\.165\.66\/32 \. tcp \. 4444/, 'the approved candidate was TCP: only TCP to the port is blocked');
    assert.match(dry.stdout, /set quarantine_v4 \{\s+type ipv4_addr\s+elements = \{\s+198\.18\.165\.2\s+\}/);
    assert.ok(!dry.stdout.includes('198.18.165.3'), "the other ISP's device is not quarantined");

    const forged = await cli(['gateway', '--dry-run', '--server', url, ...common, '--public-key', stranger.publicKeyFile]);
    assert.equal(forged.code, 3);
    assert.match(forged.stderr, /signature does not verify/);
    assert.equal(forged.stdout, '', 'no ruleset from a blocklist that does not verify');

    writeFileSync(join(directory, 'bad-token'), 'not a token\n');
    const badFile = await cli(['gateway', '--once', '--server', url, ...common, '--token-file', join(directory, 'bad-token')]);
    assert.equal(badFile.code, 12);
    assert.match(badFile.stderr, /does not hold an API token/);
    writeFileSync(join(directory, 'revoked'), `on_${'A'.repeat(43)}\n`);
    const refused = await cli(['gateway', '--dry-run', '--server', url, ...common, '--token-file', join(directory, 'revoked')]);
    assert.equal(refused.code, 12);
    assert.match(refused.stderr, /refused the API token/);
    const unreachable = await cli(['gateway', '--once', '--server', 'http://127.165.3.2:9', ...common]);
    assert.equal(unreachable.code, 16);
    assert.match(unreachable.stderr, /cannot reach http:\/\/127\.165\.3\.2:9/);
    const plain = await cli(['gateway', '--dry-run', '--server', 'http://198.51.100.1', ...common]);
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /in the clear/);

    const store = await openStore(storeFile);
    try {
      await store.recordGatewayReport({
        receivedAt: '2026-12-02T10:00:00.000Z',
        ispId: 'isp-e2e',
        userId: 1,
        userName: 'gateway@e2e',
        gateway: 'office-1',
        windowStart: '2026-12-02T09:55:00.000Z',
        windowEnd: '2026-12-02T10:00:00.000Z',
        policyVersion: 'd'.repeat(64),
        blocked: [{ indicator: '198.19.165.66/32 port 4444', packets: 9, bytes: 540 }],
        quarantined: [{ ip: '198.18.165.2', droppedPackets: 4, pagesServed: 2 }],
      });
    } finally {
      await store.close();
    }
    const listed = await cli(['gateway-reports', '--db', storeFile]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(
      listed.stdout,
      /isp-e2e\/office-1 .*: 9 packets to C&C dropped \(198\.19\.165\.66\/32 port 4444 9\), 1 quarantined devices, 2 notice pages served/,
    );
    assert.match((await cli(['gateway-reports', '--db', storeFile, '--isp', 'isp-other'])).stdout, /^no gateway reports$/m);
  } finally {
    await serve.stop();
    rmSync(directory, { recursive: true, force: true });
  }
});
