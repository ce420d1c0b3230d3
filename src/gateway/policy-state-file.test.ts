// The saved policy on real files: it round-trips, a changed byte or a stranger's signature
// is refused, a missing file is "none yet".
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateSigningKey, loadSigner } from '../blocklist/signing.ts';
import { type GatewayPolicy, gatewayPolicyFormat, indicatorsText, policyVersion } from './policy.ts';
import { loadPolicyState, savePolicyState } from './policy-state-file.ts';

test('the last good policy is saved owner-only and loaded through the same checks as a pulled one', () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-gateway-state-'));
  try {
    const keys = generateSigningKey(join(directory, 'signing.key'));
    const stranger = generateSigningKey(join(directory, 'stranger.key'));
    const indicatorsJson = indicatorsText([{ kind: 'ip', value: '198.19.165.66', port: 4444, reason: 'C&C', approvedAt: '2026-12-01T00:00:00.000Z' }]);
    const quarantine = [{ ip: '198.18.165.2', findings: [{ id: 7, kind: 'infected' as const, firstSeen: '2026-12-01T00:00:00.000Z' }] }];
    const policy: GatewayPolicy = {
      format: gatewayPolicyFormat,
      version: policyVersion(indicatorsJson, quarantine, []),
      generatedAt: '2026-12-02T00:00:00.000Z',
      ispId: 'isp-a',
      networks: ['198.18.165.0/24'],
      blocklist: { indicatorsJson, signature: loadSigner(keys.privateKeyFile).sign(Buffer.from(indicatorsJson)) },
      quarantine,
      updatePath: [],
    };
    const file = join(directory, 'policy.json');
    assert.equal(loadPolicyState(file), undefined, 'none yet');
    savePolicyState(file, policy);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const loaded = loadPolicyState(file, keys.publicKeyFile);
    assert.deepEqual(loaded?.policy, policy);
    assert.deepEqual(
      loaded?.indicators.map((indicator) => indicator.value),
      ['198.19.165.66'],
    );
    assert.throws(() => loadPolicyState(file, stranger.publicKeyFile), /does not verify/);
    writeFileSync(file, readFileSync(file, 'utf8').replace('198.18.165.2', '198.18.165.9'));
    assert.throws(() => loadPolicyState(file), /version does not match/);
    writeFileSync(file, '{"format":');
    assert.throws(() => loadPolicyState(file), { code: 'CONFIG_INVALID' });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
