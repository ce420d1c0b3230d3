import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRoot, isHttpReply, isUpnpReply } from './codec.ts';
import { readXml } from './xml.ts';

function describe(text: string) {
  const read = readXml(Buffer.from(text));
  assert.ok(read.ok, text);
  return describeRoot(read.root);
}

test('a root without the namespace is still a UPnP root; other documents are not', () => {
  assert.equal(describe('<root><device><modelName>X</modelName></device></root>')?.device.modelName, 'X');
  assert.equal(describe('<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion/></root>'), undefined);
  assert.equal(describe('<scpd xmlns="urn:schemas-upnp-org:service-1-0"><device/></scpd>'), undefined);
  assert.equal(
    describe('<u:root xmlns:u="urn:schemas-upnp-org:device-1-0"><u:device><u:manufacturer>P</u:manufacturer></u:device></u:root>')?.device.manufacturer,
    'P',
  );
});

test('the firmware comes from the vendor extensions devices use', () => {
  const firmwareOf = (element: string) => describe(`<root><device><modelName>M</modelName>${element}</device></root>`)?.device.firmware;
  assert.equal(firmwareOf('<firmwareVersion>V2.0.1</firmwareVersion>'), 'V2.0.1');
  assert.equal(firmwareOf('<sec:X_FirmwareVersion xmlns:sec="x">T-KTM2</sec:X_FirmwareVersion>'), 'T-KTM2');
  assert.equal(firmwareOf('<softwareVersion>56.0-00000</softwareVersion>'), '56.0-00000');
  assert.equal(firmwareOf('<displayVersion>15.9</displayVersion>'), '15.9');
  assert.equal(firmwareOf('<sw-ver>1.2</sw-ver>'), '1.2');
  assert.equal(firmwareOf('<firmwareVersion>  </firmwareVersion><fwVersion>3</fwVersion>'), '3');
  assert.equal(firmwareOf('<softwareGeneration>2</softwareGeneration>'), undefined);
});

test('facts are cleaned and capped; the serial number and empty elements are left out; services are listed', () => {
  const description = describe(
    '<root><device><friendlyName>  Living\n\tRoom \x01 TV </friendlyName><modelName></modelName><serialNumber>S1</serialNumber>' +
      `<modelDescription>${'d'.repeat(1000)}</modelDescription>` +
      '<serviceList><service><serviceType>urn:schemas-upnp-org:service:AVTransport:1</serviceType></service><service><serviceId>x</serviceId></service></serviceList>' +
      '<deviceList><icon/><device><manufacturer>Inner</manufacturer></device><device><manufacturer>Second</manufacturer></device></deviceList></device></root>',
  );
  assert.deepEqual(description, {
    device: { friendlyName: 'Living Room TV', modelDescription: 'd'.repeat(256) },
    services: ['urn:schemas-upnp-org:service:AVTransport:1'],
    embedded: { manufacturer: 'Inner' },
  });
});

test('an HTTP reply is recognised from its start; other protocols are not', () => {
  assert.equal(isHttpReply(Buffer.from('HTTP/1.1 404 Not Found\r\nServer: x\r\n\r\n')), true);
  assert.equal(isHttpReply(Buffer.from('\r\nHTTP/1.0 200 OK\r\n')), true);
  assert.equal(isHttpReply(Buffer.from('HTTP/')), false);
  assert.equal(isHttpReply(Buffer.from('     ')), false);
  assert.equal(isHttpReply(Buffer.from('220 FTP ready\r\n')), false);
  assert.equal(isHttpReply(Buffer.from('HTTP/1.1 abc\r\n\r\n')), false);
});

test('the probe’s answer is UPnP when the Server header names UPnP or the answer is XML; any other web server is left to HTTP', () => {
  const reply = (text: string) => isUpnpReply(Buffer.from(text));
  assert.equal(reply('HTTP/1.1 404 Not Found\r\nServer: Linux/3.14, UPnP/1.0, Portable SDK for UPnP devices/1.6.19\r\n\r\n'), true);
  assert.equal(reply('HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset="utf-8"\r\nContent-Length: 100\r\n\r\n<?xml'), true);
  assert.equal(reply('HTTP/1.0 200 OK\r\n\r\n\r\n  <root xmlns="urn:schemas-upnp-org:device-1-0">'), true);
  assert.equal(reply('HTTP/1.1 404 Not Found\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n'), false);
  assert.equal(reply('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<!DOCTYPE html><html>'), false);
  assert.equal(reply('HTTP/1.1 404 Not Found\r\nContent-Type: text/xml\r\n\r\n'), false);
  assert.equal(reply('HTTP/1.1 200 OK\r\nServer: Linux UPnP/1.0'), false, 'a head cut short says nothing yet');
  assert.equal(reply('SSH-2.0-dropbear\r\n'), false);
});
