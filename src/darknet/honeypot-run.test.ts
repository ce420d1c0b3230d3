import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openStore } from '../store/open-store.ts';
import { importHoneypotLogs } from './honeypot-run.ts';
import { sharedData } from '../../test/support/shared-data.ts';

const log = sharedData('cowrie/kareiva-cowrie.json.2018-05-24');

test('honeypot import: bots inside the surveyed space become infected findings, probes and outsiders do not; re-import updates', async () => {
  // Independent count of one source's failed and successful logins straight from the file.
  const events = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { eventid: string; src_ip?: string });
  const logins = (ip: string) => events.filter((event) => event.src_ip === ip && /^cowrie\.login\.(failed|success)$/.test(event.eventid)).length;
  const probe = events.find((event) => event.eventid === 'cowrie.session.connect' && logins(event.src_ip!) === 0)!.src_ip!;

  const store = await openStore(':memory:');
  try {
    const space = ['27.211.250.0/24', '88.16.207.72/32', `${probe}/32`];
    const summary = await importHoneypotLogs([log], { store, space });
    assert.equal(summary.findings.opened, 2);
    assert.ok(summary.botsOutsideSpace > 0);
    const findings = await store.listFindings({ kind: 'infected' });
    assert.deepEqual(
      findings.map((row) => row.ip),
      ['27.211.250.235', '88.16.207.72'],
    );
    const attempts = findings.find((row) => row.ip === '27.211.250.235')!;
    assert.equal(attempts.protocol, 'honeypot');
    assert.equal(attempts.evidence.loginAttempts, logins('27.211.250.235'));
    assert.ok(!JSON.stringify(findings).includes('"password"'), 'passwords are never stored');
    const shell = findings.find((row) => row.ip === '88.16.207.72')!;
    assert.ok(Number(shell.evidence.commands) > 0);
    assert.ok(Number(shell.evidence.confidence) > Number(attempts.evidence.confidence), 'commands after a login weigh more than attempts alone');

    const again = await importHoneypotLogs([log], { store, space });
    assert.deepEqual(again.findings, { opened: 0, updated: 2, closed: 0, reopened: 0, missed: 0 });
    const runs = await store.listRuns();
    assert.deepEqual(
      runs.map((run) => [run.checks, run.status]),
      [
        [['honeypot'], 'completed'],
        [['honeypot'], 'completed'],
      ],
    );
  } finally {
    await store.close();
  }
});
