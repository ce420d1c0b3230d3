import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from '../core/errors.ts';
import { surveyRequestFromOptions } from './survey-options.ts';

test('--udp-ports: absent leaves the defaults, a list narrows, an empty value turns UDP off', () => {
  assert.equal('udpPorts' in surveyRequestFromOptions({ target: ['127.103.0.0/29'] }), false);
  assert.deepEqual(surveyRequestFromOptions({ target: ['127.103.0.0/29'], 'udp-ports': ['161,1900', '161'] }).udpPorts, [161, 1900]);
  assert.deepEqual(surveyRequestFromOptions({ target: ['127.103.0.0/29'], 'udp-ports': [''] }).udpPorts, []);
  assert.throws(
    () => surveyRequestFromOptions({ 'udp-ports': ['snmp'] }),
    (error) => error instanceof OpenNoticeError && /--udp-ports: "snmp" is not a port number/.test(error.message),
  );
});

test('--udp-retries is a bounded limit; --input-transport names what a ZMap file scanned', () => {
  assert.equal(surveyRequestFromOptions({ 'udp-retries': '2' }).limits?.udpRetries, 2);
  assert.throws(() => surveyRequestFromOptions({ 'udp-retries': '9' }), OpenNoticeError);
  const request = surveyRequestFromOptions({ input: 'scan.csv', 'input-port': '161', 'input-transport': 'udp' });
  assert.deepEqual(request.discovery, { kind: 'file', file: 'scan.csv', format: 'auto', port: 161, transport: 'udp', skipInvalid: false });
  assert.throws(() => surveyRequestFromOptions({ input: 'scan.csv', 'input-transport': 'sctp' }), /must be tcp or udp/);
  assert.equal(surveyRequestFromOptions({ 'resolver-check-name': 'check.example' }).resolverCheckName, 'check.example');
});

test("--sender-threads sets the UDP sweep's sender threads, 0 to 8; absent, the sweep decides by its rate", () => {
  assert.equal(surveyRequestFromOptions({ 'sender-threads': '2' }).senderThreads, 2);
  assert.equal(surveyRequestFromOptions({ 'sender-threads': '0' }).senderThreads, 0);
  assert.equal('senderThreads' in surveyRequestFromOptions({}), false);
  assert.throws(() => surveyRequestFromOptions({ 'sender-threads': '9' }), OpenNoticeError);
});
