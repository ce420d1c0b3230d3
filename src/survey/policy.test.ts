import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenNoticeError } from '../core/errors.ts';
import { createProtocolRegistry, shippedProtocols } from '../protocols/registry.ts';
import { openStore } from '../store/open-store.ts';
import acmeEcho from '../../test/protocol-fixture/acme-echo/index.ts';
import { resolveSurvey } from './policy.ts';

const protocols = createProtocolRegistry([...shippedProtocols.protocols, acmeEcho]);
const allUdpPorts = [...shippedProtocols.defaultUdpPorts, 7171].sort((a, b) => a - b);
const now = () => new Date('2026-12-06T00:00:00Z');

async function withContext(check: (context: Parameters<typeof resolveSurvey>[1], planFile: (udp: string) => string) => Promise<void>): Promise<void> {
  const store = await openStore(':memory:');
  const dir = mkdtempSync(join(tmpdir(), 'opennotice-policy-'));
  const planFile = (udp: string) => {
    const file = join(dir, `plan-${udp.length}-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      file,
      `operator: { name: Jane Doe, organisation: CSIRT, contact: jane@example.net, transparencyUrl: https://survey.example.net/ }
authorization: T-1
validFrom: 2026-01-01
validUntil: 2027-12-31
sourceAddresses: [127.0.0.1]
ranges: [127.103.0.0/24]
checks: [discovery, identify]
rates: { connectionsPerSecond: 50, maxConcurrent: 20, perHostConcurrent: 2 }
${udp}`,
    );
    return file;
  };
  try {
    await check({ store, protocols, now, localAddresses: () => ['127.0.0.1'] }, planFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await store.close();
  }
}

const isError = (code: string, pattern: RegExp) => (error: unknown) => error instanceof OpenNoticeError && error.code === code && pattern.test(error.message);

test('UDP ports default to every UDP protocol’s, an empty list turns UDP off, and the run records whether it surveyed UDP', async () => {
  await withContext(async (context) => {
    const byDefault = await resolveSurvey({ targets: ['127.103.0.0/29'] }, context);
    assert.deepEqual(byDefault.udpPorts, allUdpPorts);
    assert.equal(byDefault.udpRetries, 1);
    assert.ok(byDefault.checks.includes('udp'));
    const none = await resolveSurvey({ targets: ['127.103.0.0/29'], udpPorts: [] }, context);
    assert.deepEqual(none.udpPorts, []);
    assert.ok(!none.checks.includes('udp'));
    const shipped = await resolveSurvey({ targets: ['127.103.0.0/29'] }, { ...context, protocols: shippedProtocols });
    assert.deepEqual(shipped.udpPorts, shippedProtocols.defaultUdpPorts);
  });
});

test('an empty TCP port list given on purpose is a UDP-only survey; with no UDP either there is nothing to survey', async () => {
  await withContext(async (context) => {
    const udpOnly = await resolveSurvey({ targets: ['127.103.0.0/29'], ports: [] }, context);
    assert.deepEqual(udpOnly.ports, []);
    assert.deepEqual(udpOnly.udpPorts, allUdpPorts);
    assert.ok((await resolveSurvey({ targets: ['127.103.0.0/29'] }, context)).ports.length > 10, 'absent: the default TCP ports');
    await assert.rejects(resolveSurvey({ targets: ['127.103.0.0/29'], ports: [], udpPorts: [] }, context), isError('USAGE', /nothing to survey/));
  });
});

test('a UDP port no UDP protocol speaks has no request to send, and retries are bounded', async () => {
  await withContext(async (context) => {
    await assert.rejects(resolveSurvey({ targets: ['127.103.0.0/29'], udpPorts: [9] }, context), isError('USAGE', /UDP port 9: no UDP protocol/));
    await assert.rejects(resolveSurvey({ targets: ['127.103.0.0/29'], limits: { udpRetries: 4 } }, context), isError('USAGE', /udpRetries/));
    assert.equal((await resolveSurvey({ targets: ['127.103.0.0/29'], limits: { udpRetries: 0 } }, context)).udpRetries, 0);
  });
});

test('the plan governs UDP: its udpPorts bound the request and the ports handed in, its resolver name reaches the grabs', async () => {
  await withContext(async (context, planFile) => {
    const approving = planFile('udpPorts: [7171]\nresolverCheckName: check.survey.example.net\n');
    const settings = await resolveSurvey({ plan: approving }, context);
    assert.deepEqual(settings.udpPorts, [7171]);
    assert.deepEqual(settings.udpPortsApproved, [7171]);
    assert.equal(settings.resolverCheckName, 'check.survey.example.net');
    const refusing = planFile('udpPorts: []\n');
    await assert.rejects(
      resolveSurvey({ plan: refusing, udpPorts: [7171] }, context),
      isError('PLAN_INVALID', /--udp-ports 7171 not in the plan's udpPorts \(none\)/),
    );
    const off = await resolveSurvey({ plan: refusing }, context);
    assert.deepEqual(off.udpPorts, []);
    assert.deepEqual(off.udpPortsApproved, [], 'a file of UDP ports is not queried either');
  });
});

test('the open-resolver name: the request’s without a plan, the plan’s under one, which a request may only repeat', async () => {
  await withContext(async (context, planFile) => {
    assert.equal((await resolveSurvey({ targets: ['127.103.0.0/29'], resolverCheckName: 'Check.Example.' }, context)).resolverCheckName, 'check.example');
    assert.equal((await resolveSurvey({ targets: ['127.103.0.0/29'] }, context)).resolverCheckName, undefined, 'no name, no recursive question');
    await assert.rejects(resolveSurvey({ targets: ['127.103.0.0/29'], resolverCheckName: 'no name' }, context), isError('USAGE', /not a DNS name/));
    const named = planFile('resolverCheckName: check.survey.example.net\n');
    assert.equal((await resolveSurvey({ plan: named }, context)).resolverCheckName, 'check.survey.example.net');
    assert.equal((await resolveSurvey({ plan: named, resolverCheckName: 'check.survey.example.net' }, context)).resolverCheckName, 'check.survey.example.net');
    await assert.rejects(
      resolveSurvey({ plan: named, resolverCheckName: 'other.example' }, context),
      isError('PLAN_INVALID', /not the plan's resolverCheckName/),
    );
    await assert.rejects(resolveSurvey({ plan: planFile(''), resolverCheckName: 'other.example' }, context), isError('PLAN_INVALID', /\(none\)/));
  });
});

test('a resumed run surveys UDP only if it did before', async () => {
  await withContext(async (context) => {
    const start = { startedAt: now().toISOString(), seed: 3, scope: ['127.103.0.0/29'], exclude: [], ports: [23] };
    const withUdp = await context.store.startRun({ ...start, checks: ['discovery', 'identify', 'udp'] });
    const withoutUdp = await context.store.startRun({ ...start, checks: ['discovery', 'identify'] });
    assert.deepEqual((await resolveSurvey({ resume: withUdp }, context)).udpPorts, allUdpPorts);
    assert.deepEqual((await resolveSurvey({ resume: withUdp, udpPorts: [7171] }, context)).udpPorts, [7171]);
    assert.deepEqual((await resolveSurvey({ resume: withoutUdp }, context)).udpPorts, []);
  });
});
