import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataFile } from '../../core/data-file.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { createResearchScannerList } from './research-list.ts';
import { loadResearchScanners, researchRangesOf, researchScannersFromDataFile } from './research-scanners.ts';

const parse = (text: string) => researchScannersFromDataFile(parseDataFile(text, 'mine.yaml', 'CONFIG_INVALID'));

function failure(text: string): { line?: number; message: string } {
  try {
    parse(text);
  } catch (error) {
    assert.ok(error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID', String(error));
    return { line: error.context.line, message: error.message };
  }
  assert.fail('expected CONFIG_INVALID');
}

const entry = (ranges: string, extra = '') => `version: 1
scanners:
  - organisation: Example Research
    source: https://research.example/opt-out${extra}
    ranges: [${ranges}]
`;

test('the shipped list loads, cites an https page for every organisation and matches their scanners, not the lab’s', () => {
  const scanners = loadResearchScanners();
  assert.ok(scanners.length >= 4);
  for (const scanner of scanners) assert.match(scanner.source, /^https:\/\//, scanner.organisation);
  assert.deepEqual(
    ['Censys', 'Rapid7', 'Shadowserver', 'NETSCOUT'].filter((name) => !scanners.some((scanner) => scanner.organisation.includes(name))),
    [],
  );
  const list = createResearchScannerList(researchRangesOf(scanners));
  for (const address of ['162.142.125.7', '71.6.233.12', '184.105.139.66', '146.88.241.1', '2602:80d:1003::5']) assert.ok(list.contains(address), address);
  // The lab generator's research scanners (documentation space) and loopback are not real scanners.
  for (const address of ['203.0.113.5', '127.0.0.1', '192.0.2.1', '8.8.8.8']) assert.ok(!list.contains(address), address);
});

test('an operator’s file in the same format loads', () => {
  const scanners = parse(entry('100.24.0.0/16', '\n    note: our own sensors'));
  assert.deepEqual(
    scanners.map((scanner) => [scanner.organisation, scanner.ranges, scanner.note, scanner.line]),
    [['Example Research', ['100.24.0.0/16'], 'our own sensors', 3]],
  );
});

test('mistakes fail at load with file and line', () => {
  assert.deepEqual(failure(entry('100.24.0.7/24')), {
    line: 5,
    message: 'scanners[0].ranges[0]: "100.24.0.7/24" has host bits set; did you mean 100.24.0.0/24?',
  });
  assert.match(failure(entry('100.24.0.7')).message, /not a CIDR \(write 100\.24\.0\.7\/32/);
  assert.match(failure(entry('2001:db8::1/64')).message, /host bits set after \/64/);
  assert.match(failure(entry('2001:zz8::/32')).message, /not an IPv6 CIDR/);
  assert.match(failure(entry('203.0.113.0/24')).message, /reserved or documentation address space/);
  assert.match(failure(entry('127.200.0.0/16')).message, /reserved or documentation address space/);
  assert.deepEqual(failure(entry('100.24.0.0/16, 100.24.8.0/24')), {
    line: 5,
    message: 'scanners[0].ranges[1]: 100.24.8.0/24 overlaps 100.24.0.0/16 of Example Research (line 5): list each address once',
  });
  assert.match(
    failure(entry('100.24.0.0/16').replace('https://research.example/opt-out', 'research.example')).message,
    /scanners\[0\]\.source: expected the https:\/\//,
  );
  assert.match(failure(entry('100.24.0.0/16').replace('version: 1', 'version: 2')).message, /^version: expected version: 1/);
  assert.deepEqual(failure(entry('100.24.0.0/16').replace('organisation:', 'organization:')), {
    line: 3,
    message: 'scanners[0].organization: unknown field "organization" (known: organisation, source, note, ranges)',
  });
  assert.match(failure(entry('')).message, /ranges: no range given/);
  assert.match(failure('version: 1\nscanners: []\n').message, /names no scanner/);
});
