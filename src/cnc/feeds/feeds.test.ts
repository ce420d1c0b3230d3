import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { OpenNoticeError } from '../../core/errors.ts';
import { splitCsvLine } from './csv-line.ts';
import { readFeedText } from './feed-file.ts';
import { parseFeodoTracker } from './feodo.ts';
import { parseUrlhaus, urlEndpoint } from './urlhaus.ts';

const fixture = (name: string) => join(import.meta.dirname, '../../../test/fixtures/cnc', name);
const workDirectory = mkdtempSync(join(tmpdir(), 'cnc-feeds-'));
after(() => rmSync(workDirectory, { recursive: true, force: true }));

/** Parse text written to a file of its own, returning the error it throws. */
function errorOf(parse: (text: string, file: string) => unknown, name: string, text: string): OpenNoticeError {
  const file = join(workDirectory, name);
  writeFileSync(file, text);
  try {
    parse(readFeedText(file), file);
  } catch (error) {
    assert.ok(error instanceof OpenNoticeError, String(error));
    return error;
  }
  assert.fail('expected an error');
}

describe('CSV lines', () => {
  test('quoted fields with commas and doubled quotes, bare fields, empty fields', () => {
    assert.deepEqual(splitCsvLine('"a,b","say ""hi""",plain,,""'), ['a,b', 'say "hi"', 'plain', '', '']);
    assert.equal(splitCsvLine('"open'), undefined);
  });
});

describe('Feodo Tracker', () => {
  test('CSV: comments and the header are skipped; addresses canonical, ports, malware and first-seen kept', () => {
    const file = fixture('feodo-ipblocklist.csv');
    assert.deepEqual(parseFeodoTracker(readFeedText(file), file), [
      { feed: 'feodo', kind: 'ip', value: '198.51.100.50', port: 443, label: 'QakBot', firstSeen: '2026-10-01T07:44:46.000Z' },
      { feed: 'feodo', kind: 'ip', value: '198.51.100.51', port: 8080, label: 'Emotet', firstSeen: '2026-10-03T12:00:00.000Z' },
      { feed: 'feodo', kind: 'ip', value: '2001:db8::51', port: 443, label: 'Pikabot', firstSeen: '2026-10-05T01:02:03.000Z' },
    ]);
  });

  test('JSON gives the same entries as CSV', () => {
    const csv = parseFeodoTracker(readFeedText(fixture('feodo-ipblocklist.csv')), 'csv');
    const json = parseFeodoTracker(readFeedText(fixture('feodo-ipblocklist.json')), 'json');
    assert.deepEqual(json, csv.slice(0, 2));
  });

  test('a bad address or port is an IMPORT_INVALID error naming file and line', () => {
    const csvError = errorOf(
      parseFeodoTracker,
      'bad.csv',
      '# header\n"2026-10-01 00:00:00","198.51.100.50","443","online","","QakBot"\n"2026-10-01 00:00:00","not-an-ip","443","online","","QakBot"\n',
    );
    assert.equal(csvError.code, 'IMPORT_INVALID');
    assert.equal(csvError.context.line, 3);
    assert.match(String(csvError.context.file), /bad\.csv$/);
    assert.match(csvError.message, /dst_ip "not-an-ip"/);
    const jsonError = errorOf(
      parseFeodoTracker,
      'bad.json',
      '[\n  {"ip_address": "198.51.100.50", "port": 443},\n  {"ip_address": "198.51.100.51",\n   "port": 70000}\n]\n',
    );
    assert.equal(jsonError.code, 'IMPORT_INVALID');
    assert.equal(jsonError.context.line, 4);
    assert.match(jsonError.message, /port/);
    assert.equal(errorOf(parseFeodoTracker, 'short.csv', '"a","b"\n').context.line, 1);
  });
});

describe('URLhaus', () => {
  test('CSV: each URL becomes host and port; a host under many URLs is one entry; domains lower-cased', () => {
    const file = fixture('urlhaus-recent.csv');
    assert.deepEqual(parseUrlhaus(readFeedText(file), file), [
      { feed: 'urlhaus', kind: 'ip', value: '198.51.100.10', port: 35183, label: 'malware_download', firstSeen: '2026-11-01T10:14:06.000Z' },
      { feed: 'urlhaus', kind: 'domain', value: 'bad.example.com', port: 443, label: 'malware_download', firstSeen: '2026-11-01T11:00:00.000Z' },
    ]);
  });

  test('JSON gives the same entries as CSV', () => {
    assert.deepEqual(parseUrlhaus(readFeedText(fixture('urlhaus-recent.json')), 'json'), parseUrlhaus(readFeedText(fixture('urlhaus-recent.csv')), 'csv'));
  });

  test('URL endpoints: default ports by scheme, IPv6 in brackets', () => {
    assert.deepEqual(urlEndpoint('http://[2001:DB8::7]/x'), { kind: 'ip', value: '2001:db8::7', port: 80 });
    assert.deepEqual(urlEndpoint('nonsense'), { problem: '"nonsense" is not a URL' });
  });

  test('a bad URL is an IMPORT_INVALID error naming file and line, in CSV and JSON', () => {
    const csvError = errorOf(
      parseUrlhaus,
      'bad-urlhaus.csv',
      '# c\n"1","2026-11-01 00:00:00","not a url","online","","malware_download","","https://x/","r"\n',
    );
    assert.equal(csvError.code, 'IMPORT_INVALID');
    assert.equal(csvError.context.line, 2);
    const jsonError = errorOf(parseUrlhaus, 'bad-urlhaus.json', '{\n  "1": [\n    {"url": "http://ok.example/"},\n    {"url": "::"}\n  ]\n}\n');
    assert.equal(jsonError.context.line, 4);
    assert.equal(errorOf(parseUrlhaus, 'broken.json', '{ "1": [ \n').code, 'IMPORT_INVALID');
  });
});
