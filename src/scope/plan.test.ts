import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenNoticeError } from '../core/errors.ts';
import { loadSurveyPlan } from './plan.ts';

const examplePlan = fileURLToPath(new URL('../../examples/survey-plan.yaml', import.meta.url));
const during = new Date('2025-06-01T00:00:00Z');

const validPlan = `operator:
  name: Jane Doe
  organisation: Example ISP CSIRT
  contact: jane@example.net
  transparencyUrl: https://survey.example.net/
authorization: TICKET-1
validFrom: 2025-01-01
validUntil: 2025-12-31
sourceAddresses: [203.0.113.10]
ranges: [192.0.2.0/24]
checks: [discovery, credentials]
credentialList: lists/pairs.yaml
rates: { connectionsPerSecond: 50, maxConcurrent: 20, perHostConcurrent: 2, perHostAttempts: 10 }
`;

/** Writes `text` as plan.yaml (plus lists/pairs.yaml beside it) and loads it. */
function withPlan(text: string, check: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'opennotice-plan-'));
  try {
    mkdirSync(join(dir, 'lists'));
    writeFileSync(join(dir, 'lists', 'pairs.yaml'), 'version: 1\nentries: []\n');
    const file = join(dir, 'plan.yaml');
    writeFileSync(file, text);
    check(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const planError = (pattern: RegExp, line?: number) => (error: unknown) => {
  assert.ok(error instanceof OpenNoticeError, String(error));
  assert.equal(error.code, 'PLAN_INVALID');
  assert.match(error.message, pattern);
  if (line !== undefined) assert.equal(error.context.line, line, error.describe());
  return true;
};

test('the shipped example plan is valid and fully read', () => {
  // Inside the example's own validity window (examples/survey-plan.yaml).
  const plan = loadSurveyPlan(examplePlan, { now: new Date('2026-06-01T00:00:00Z') });
  assert.equal(plan.sha256, createHash('sha256').update(readFileSync(examplePlan)).digest('hex'));
  assert.equal(plan.operator.contact, 'survey-contact@example.net');
  assert.deepEqual(plan.ranges, ['192.0.2.0/24', '198.51.100.0/24']);
  assert.deepEqual(plan.exclude, ['198.51.100.128/25']);
  assert.deepEqual(plan.sourceAddresses, ['203.0.113.10', '203.0.113.11']);
  assert.deepEqual(plan.checks, ['discovery', 'identify', 'credentials']);
  assert.deepEqual(plan.ports, [21, 22, 23, 80, 2323, 8080]);
  assert.equal(plan.credentialList, 'default');
  assert.deepEqual(plan.rates, { connectionsPerSecond: 100, maxConcurrent: 100, perHostConcurrent: 2, perHostAttempts: 2400 });
  assert.equal(plan.validFrom, '2026-01-15T00:00:00.000Z');
  assert.equal(plan.validUntil, '2027-12-31T23:59:59.999Z', 'a date alone covers the whole day');
});

test('a credential list path is resolved relative to the plan file', () => {
  withPlan(validPlan, (file) => {
    const plan = loadSurveyPlan(file, { now: during });
    assert.equal(plan.credentialList, join(file, '..', 'lists', 'pairs.yaml'));
    assert.deepEqual(plan.exclude, []);
    assert.equal(plan.ports, undefined);
  });
  withPlan(validPlan.replace('lists/pairs.yaml', 'lists/missing.yaml'), (file) => {
    assert.throws(() => loadSurveyPlan(file, { now: during }), planError(/credential list "lists\/missing.yaml" not found/, 12));
  });
});

test('every missing required field is listed in one message', () => {
  withPlan('operator:\n  name: Jane\n  organisation: X\nranges: [192.0.2.0/24]\nchecks: [credentials]\nrates: { maxConcurrent: 5 }\n', (file) => {
    assert.throws(
      () => loadSurveyPlan(file, { now: during }),
      (error: unknown) => {
        assert.ok(error instanceof OpenNoticeError);
        assert.equal(error.code, 'PLAN_INVALID');
        assert.equal(
          error.describe(),
          `${file}: survey plan is missing: operator.contact, operator.transparencyUrl, authorization, validFrom, validUntil, sourceAddresses, credentialList, rates.connectionsPerSecond, rates.perHostConcurrent, rates.perHostAttempts [PLAN_INVALID]`,
        );
        return true;
      },
    );
  });
  withPlan('# nothing yet\n', (file) => assert.throws(() => loadSurveyPlan(file), planError(/empty/)));
  assert.throws(() => loadSurveyPlan('/nonexistent/plan.yaml'), planError(/cannot read the survey plan: ENOENT/));
});

test('without the credentials check, credentialList and perHostAttempts are optional', () => {
  const text = validPlan
    .replace('checks: [discovery, credentials]', 'checks: [discovery, identify]')
    .replace('credentialList: lists/pairs.yaml\n', '')
    .replace(', perHostAttempts: 10', '');
  withPlan(text, (file) => {
    const plan = loadSurveyPlan(file, { now: during });
    assert.equal(plan.credentialList, 'default');
    assert.equal(plan.rates.perHostAttempts, undefined);
  });
});

test('an expired or not-yet-valid plan is refused at the line of its date', () => {
  withPlan(validPlan, (file) => {
    assert.throws(() => loadSurveyPlan(file, { now: new Date('2026-01-01T00:00:00Z') }), planError(/expired at 2025-12-31T23:59:59.999Z/, 8));
    assert.throws(() => loadSurveyPlan(file, { now: new Date('2024-12-31T23:59:59Z') }), planError(/not valid before 2025-01-01/, 7));
    assert.doesNotThrow(() => loadSurveyPlan(file, { now: new Date('2025-12-31T23:59:00Z') }));
  });
  withPlan(validPlan.replace('validUntil: 2025-12-31', 'validUntil: 2024-12-31'), (file) => {
    assert.throws(() => loadSurveyPlan(file, { now: during }), planError(/must be after validFrom/, 8));
  });
  withPlan(validPlan.replace('validUntil: 2025-12-31', 'validUntil: "2025-12-31 18:00"'), (file) => {
    assert.throws(() => loadSurveyPlan(file, { now: during }), planError(/time with offset/, 8));
  });
});

test('invalid values are reported at their file:line', () => {
  const cases: Array<[string, string, RegExp, number]> = [
    ['contact: jane@example.net', 'contact: jane', /operator\.contact: "jane" is not an e-mail address/, 4],
    ['transparencyUrl: https://survey.example.net/', 'transparencyUrl: ftp://x', /not an http\(s\) URL/, 5],
    ['ranges: [192.0.2.0/24]', 'ranges: [192.0.2.0/24, 192.0.2.1/24]', /ranges\[1\]: .*host bits set; did you mean 192\.0\.2\.0\/24/, 10],
    ['sourceAddresses: [203.0.113.10]', 'sourceAddresses: [203.0.113.300]', /sourceAddresses\[0\]: "203\.0\.113\.300" is not an IPv4 or IPv6 address/, 9],
    ['checks: [discovery, credentials]', 'checks: [discovery, exploit]', /checks\[1\]: expected one of discovery, identify, credentials/, 11],
    ['checks: [discovery, credentials]', 'checks: []\nchecks2: 1', /unknown field "checks2"/, 12],
    ['perHostConcurrent: 2', 'perHostConcurrent: 50', /rates\.perHostConcurrent: must be at most 20/, 13],
    ['connectionsPerSecond: 50', 'connectionsPerSecond: 0', /rates\.connectionsPerSecond: must be greater than 0/, 13],
    ['maxConcurrent: 20', 'maxConcurrent: 2.5', /rates\.maxConcurrent: must be a whole number/, 13],
    ['  name: Jane Doe', '  name: Jane Doe\n  emial: x@example.net', /operator\.emial: unknown field/, 3],
  ];
  for (const [from, to, pattern, line] of cases) {
    withPlan(validPlan.replace(from, to), (file) => assert.throws(() => loadSurveyPlan(file, { now: during }), planError(pattern, line), to));
  }
  withPlan(`${validPlan}ports: [23, 70000]\n`, (file) =>
    assert.throws(() => loadSurveyPlan(file, { now: during }), planError(/ports\[1\]: must be at most 65535/, 14)),
  );
  withPlan('operator: [a\n', (file) => assert.throws(() => loadSurveyPlan(file), planError(/syntax error/)));
});

test('JSON plans work too, and the fingerprint changes with any byte', () => {
  const json = JSON.stringify({
    operator: { name: 'A', organisation: 'B', contact: 'a@example.net', transparencyUrl: 'https://example.net/' },
    authorization: 'T-2',
    validFrom: '2025-01-01T00:00:00Z',
    validUntil: '2025-07-01T00:00:00+09:00',
    sourceAddresses: ['203.0.113.5'],
    ranges: ['192.0.2.0/25'],
    checks: ['discovery'],
    rates: { connectionsPerSecond: 10, maxConcurrent: 10, perHostConcurrent: 1 },
  });
  withPlan(json, (file) => {
    const first = loadSurveyPlan(file, { now: during });
    assert.equal(first.validUntil, '2025-06-30T15:00:00.000Z');
    writeFileSync(file, `${json}\n`);
    assert.notEqual(loadSurveyPlan(file, { now: during }).sha256, first.sha256);
  });
});

test('udpPorts: absent means the defaults, an empty list no UDP; resolverCheckName is a DNS name', () => {
  withPlan(validPlan, (file) => {
    const plan = loadSurveyPlan(file, { now: during });
    assert.equal(plan.udpPorts, undefined);
    assert.equal(plan.resolverCheckName, undefined);
  });
  withPlan(`${validPlan}udpPorts: []\nresolverCheckName: Resolver-Check.Survey.Example.NET.\n`, (file) => {
    const plan = loadSurveyPlan(file, { now: during });
    assert.deepEqual(plan.udpPorts, []);
    assert.equal(plan.resolverCheckName, 'resolver-check.survey.example.net');
  });
  withPlan(`${validPlan}udpPorts: [161, 1900]\n`, (file) => assert.deepEqual(loadSurveyPlan(file, { now: during }).udpPorts, [161, 1900]));
  withPlan(`${validPlan}udpPorts: [161, 70000]\n`, (file) => assert.throws(() => loadSurveyPlan(file, { now: during }), planError(/udpPorts\[1\]/, 14)));
  withPlan(`${validPlan}resolverCheckName: not a name\n`, (file) =>
    assert.throws(() => loadSurveyPlan(file, { now: during }), planError(/not a DNS name/, 14)),
  );
  withPlan(`${validPlan}resolverCheckName: localhost\n`, (file) => assert.throws(() => loadSurveyPlan(file, { now: during }), planError(/not a DNS name/)));
});
