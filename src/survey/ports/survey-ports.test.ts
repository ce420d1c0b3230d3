import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataFile } from '../../core/data-file.ts';
import type { OpenNoticeError } from '../../core/errors.ts';
import { shippedProtocols } from '../../protocols/registry.ts';
import { defaultPortsFor, loadSurveyPorts, validateSurveyPorts } from './survey-ports.ts';

test('the shipped list names every default port of every shipped protocol, each with a reason and a known source', () => {
  const list = loadSurveyPorts();
  const listed = new Set(list.ports.map((entry) => entry.port));
  // This is the TCP list: UDP protocols' ports are sent their request by the survey's UDP stage.
  for (const protocol of shippedProtocols.protocols.filter((candidate) => candidate.transport !== 'udp'))
    for (const port of protocol.defaultPorts) assert.ok(listed.has(port), `${protocol.name}'s default port ${port} is not in survey-ports.yaml`);
  for (const entry of list.ports) {
    assert.ok(entry.why.length > 10, `port ${entry.port} says why`);
    for (const key of entry.sources) assert.ok(list.sources.has(key));
  }
  // The ports the IoT reports are about, whatever protocols exist to grab them.
  for (const port of [23, 2323, 22, 21, 80, 443, 554, 1883, 5555, 7547, 8883]) assert.ok(listed.has(port), `port ${port}`);
});

test('the default ports are the list and the protocols’ defaults, once each, ascending', () => {
  const ports = defaultPortsFor([23, 7070]);
  assert.ok(ports.includes(7070), 'a protocol added to the registry is surveyed on its default port');
  assert.deepEqual(
    ports,
    [...new Set(ports)].sort((a, b) => a - b),
  );
  assert.equal(ports.filter((port) => port === 23).length, 1);
});

const parse = (text: string) => validateSurveyPorts(parseDataFile(text, 'ports.yaml', 'CONFIG_INVALID'));
const header = 'version: 1\nsources:\n  a: "a source"\nports:\n';

test('mistakes are errors at their line', () => {
  assert.throws(
    () => parse(`${header}  - { port: 23, service: telnet, why: "x", sources: [a] }\n  - { port: 23, service: telnet, why: "y", sources: [a] }\n`),
    (error: unknown) => {
      assert.match(String(error), /ports\[1\]\.port: port 23 is listed twice/);
      assert.deepEqual([(error as OpenNoticeError).context.file, (error as OpenNoticeError).context.line], ['ports.yaml', 6]);
      return true;
    },
  );
  assert.throws(() => parse(`${header}  - { port: 23, service: telnet, why: "x", sources: [b] }\n`), /ports\[0\]\.sources\[0\]: unknown source "b"/);
  assert.throws(() => parse(`${header}  - { port: 23, service: telnet, why: "x", sources: [] }\n`), /at least one source/);
  assert.throws(() => parse(`${header}  - { port: 70000, service: telnet, why: "x", sources: [a] }\n`), /at most 65535/);
  assert.throws(() => parse(`${header}  - { port: 23, service: Tel Net, why: "x", sources: [a] }\n`), /not a service name/);
  assert.throws(() => parse(`${header}  - { port: 23, service: telnet, why: "x", sources: [a], weight: 2 }\n`), /unknown field "weight"/);
  assert.deepEqual(
    parse(`${header}  - { port: 80, service: http, why: "web", sources: [a] }\n  - { port: 23, service: telnet, why: "login", sources: [a] }\n`).ports.map(
      (entry) => entry.port,
    ),
    [23, 80],
  );
});
