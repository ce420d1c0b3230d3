import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type DictionaryEntry, loadDictionary } from '../../assess/credentials/dictionary.ts';
import { orderEntries } from '../../assess/credentials/order.ts';
import type { ObservedService } from '../credential-checker.ts';
import type { GrabContext } from '../grab.ts';
import { publicCommunityEntry, snmpChecker } from './credentials.ts';
import type { SnmpResult } from './grabber.ts';

const service = (result: Partial<SnmpResult>): ObservedService<SnmpResult> => ({
  ip: '192.0.2.1',
  port: 161,
  protocol: 'snmp',
  status: 'success',
  result,
  durationMs: 1,
  observedAt: '2026-12-06T00:00:00Z',
});
/** A context whose every use fails the test: the checker must send nothing. */
const noNetwork = new Proxy({} as GrabContext, {
  get: () => assert.fail('the SNMP checker reached for the network'),
});

test('the checker’s entry is the shipped dictionary’s on-596, offered to SNMP only', () => {
  const entries = loadDictionary();
  assert.deepEqual(
    entries.find((entry) => entry.id === publicCommunityEntry.id),
    publicCommunityEntry,
  );
  assert.ok(!orderEntries(entries, { protocol: 'telnet' }).some((entry) => entry.id === 'on-596'), 'never tried as a telnet login');
});

test('an answered GetRequest with community public is the accepted entry; no answer concludes nothing', async () => {
  const answered = service({ version: 'v2c', community: 'public', sysName: 'garage' });
  const concluded = snmpChecker.concludeFromGrab?.(answered);
  assert.equal(concluded?.accepted?.id, 'on-596');
  assert.deepEqual([concluded?.status, concluded?.attempts, concluded?.noAuthentication], ['success', 0, undefined]);
  assert.equal(concluded?.evidence.sysName, 'garage');
  // The operator's own dictionary may name the community under its own id.
  const own: DictionaryEntry = { ...publicCommunityEntry, id: 'my-snmp-1' };
  const checked = await snmpChecker.check(noNetwork, answered, [own], { maxAttempts: 5, audit: () => assert.fail('no attempt') });
  assert.equal(checked.accepted?.id, 'my-snmp-1');
  assert.equal(snmpChecker.appliesTo(service({})), false);
  assert.equal(snmpChecker.appliesTo({ ...answered, status: 'io-timeout' }), false);
  const other = await snmpChecker.check(noNetwork, service({ version: 'v1', community: 'private' }), [], { maxAttempts: 5, audit: () => assert.fail() });
  assert.equal(other.accepted, undefined);
});
