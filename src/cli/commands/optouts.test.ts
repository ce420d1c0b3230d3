import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCidrList } from '../../scope/cidr-file.ts';
import { openStore } from '../../store/open-store.ts';
import type { CommandIo } from '../command.ts';
import optouts from './optouts.ts';
import survey from './survey.ts';

function captureIo(): { io: CommandIo; stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  const stream = (sink: string[]) =>
    ({
      write: (chunk: string) => {
        sink.push(String(chunk));
        return true;
      },
      isTTY: false,
    }) as unknown as NodeJS.WriteStream;
  return { io: { stdout: stream(out), stderr: stream(err), signal: new AbortController().signal }, stdout: () => out.join(''), stderr: () => err.join('') };
}

test("an opt-out request, once approved, is in the export and in the next survey's exclusions", async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-optouts-'));
  try {
    const db = join(directory, 'store.sqlite');
    const store = await openStore(db);
    const approvedId = await store.createOptOutRequest({
      cidrs: ['127.0.0.10/31'],
      contact: 'noc@example.net',
      reason: 'lab',
      requestedAt: '2026-02-01T00:00:00.000Z',
      requesterAddress: '203.0.113.5',
    });
    const rejectedId = await store.createOptOutRequest({
      cidrs: ['127.0.0.8/32'],
      contact: 'x@example.net',
      reason: '',
      requestedAt: '2026-02-02T00:00:00.000Z',
      requesterAddress: '203.0.113.6',
    });
    await store.close();

    const listed = captureIo();
    assert.equal(await optouts.run({ db, status: 'pending' }, ['list'], listed.io), 0);
    assert.match(listed.stdout(), /127\.0\.0\.10\/31/);
    assert.match(listed.stdout(), /warning: 127\.0\.0\.10\/31 overlaps 127\.0\.0\.0\/8 \(loopback/, 'the same warning as the dashboard queue');
    const approve = captureIo();
    assert.equal(await optouts.run({ db, by: 'ops' }, ['approve', String(approvedId)], approve.io), 0);
    assert.match(approve.stdout(), /approved/);
    assert.equal(await optouts.run({ db, by: 'ops' }, ['reject', String(rejectedId)], captureIo().io), 0);
    await assert.rejects(optouts.run({ db }, ['approve', String(rejectedId)], captureIo().io), /already rejected/);
    await assert.rejects(optouts.run({ db }, ['approve', '999'], captureIo().io), /no opt-out request 999/);

    const exported = captureIo();
    assert.equal(await optouts.run({ db }, ['export'], exported.io), 0);
    assert.match(exported.stdout(), new RegExp(`# opt-out request ${approvedId}, .* by ops`));
    assert.doesNotMatch(exported.stdout(), /noc@example\.net/, 'no contact details in a list meant for scanners');
    assert.deepEqual(
      parseCidrList(exported.stdout(), 'export').map((entry) => entry.cidr),
      ['127.0.0.10/31'],
      'the format --exclude-file reads; rejected ranges left out',
    );

    // A survey of 127.0.0.8/30 on a closed port: the opted-out half is never a target.
    const surveyed = captureIo();
    const status = await survey.run(
      { db, target: ['127.0.0.8/30'], ports: ['1'], quiet: true, json: true, seed: '1', 'connect-timeout': '500' },
      [],
      surveyed.io,
    );
    assert.equal(status, 0, surveyed.stderr());
    assert.match(surveyed.stderr(), /excluding 1 opted-out ranges/);
    const check = await openStore(db);
    const [run] = await check.listRuns();
    assert.ok(run!.exclude.includes('127.0.0.10/31'), `run exclusions: ${run!.exclude.join(', ')}`);
    await check.close();
    const summary = JSON.parse(surveyed.stdout()) as { targets: number };
    assert.equal(summary.targets, 2, 'two of the four addresses remain in scope');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
