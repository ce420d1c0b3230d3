import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recogFieldMappings, recogMappingOf } from './grab-view.ts';

const grabOf = (matches: string, example: string) => recogFieldMappings[matches]!.grabOf(example);

test('titles are decoded as the HTTP grabber decodes them: entities, collapsed whitespace', () => {
  assert.deepEqual(grabOf('html_title', 'DS218&nbsp;-&nbsp;Synology&nbsp;DiskStation'), { status: 200, headers: {}, title: 'DS218 - Synology DiskStation' });
  assert.equal(grabOf('html_title', 'AT&amp;T  U115').title, 'AT&T U115');
});

test('a WWW-Authenticate example becomes the header and the challenge the grabber records (Basic first)', () => {
  assert.deepEqual(grabOf('http_header.wwwauth', 'Digest realm="DCS-932LB1_BC",qop="auth", Basic realm="cam"'), {
    status: 401,
    headers: { 'www-authenticate': 'Digest realm="DCS-932LB1_BC",qop="auth", Basic realm="cam"' },
    auth: { scheme: 'basic', realm: 'cam' },
    authPath: '/',
  });
  assert.equal((grabOf('http_header.server', '  uc-httpd 1.0.0 ').headers as Record<string, string>).server, 'uc-httpd 1.0.0');
});

test('an SSH example gets the "SSH-2.0-" prefix Recog leaves out, and is split like a real line', () => {
  assert.deepEqual(grabOf('ssh.banner', 'Zyxel SSH server'), {
    version: 'SSH-2.0-Zyxel SSH server',
    protocolVersion: '2.0',
    software: 'Zyxel',
    comment: 'SSH server',
  });
});

test('an FTP example is a 220 greeting; one that keeps its reply code is not given another', () => {
  assert.deepEqual(grabOf('ftp.banner', 'Lexmark X500 FTP server ready'), { banner: 'Lexmark X500 FTP server ready', code: 220 });
  assert.deepEqual(grabOf('ftp.banner', '220 ECOSYS P2135dn FTP server'), { banner: 'ECOSYS P2135dn FTP server', code: 220 });
  assert.deepEqual(grabOf('ftp.banner', 'Welcome\nto the box'), { banner: 'Welcome\nto the box', code: 220 });
});

test('a telnet login screen is split into banner and prompt, commands and CR removed', () => {
  const screen = '\xff\xfb\x01MikroTik v6.42.3 (stable)\r\nLogin:\n';
  assert.deepEqual(grabOf('telnet.banner', screen), { banner: 'MikroTik v6.42.3 (stable)', prompt: 'Login:', promptKind: 'login' });
  assert.deepEqual(grabOf('telnet.banner', 'RT-AC54U login:'), { banner: '', prompt: 'RT-AC54U login:', promptKind: 'login' });
});

test('an RTSP Server example is the server the RTSP grabber records', () => {
  assert.deepEqual(grabOf('rtsp_header.server', ' Dahua Rtsp Server'), { status: 200, server: 'Dahua Rtsp Server' });
});

test("databases are found by their matches attribute; telnet's by its protocol", () => {
  assert.deepEqual(recogMappingOf({ protocol: 'telnet' }).mapping?.fields, ['banner', 'prompt']);
  assert.equal(recogMappingOf({ matches: 'snmp.sys_description' }).mapping, undefined);
  assert.equal(recogMappingOf({ matches: 'toString' }).mapping, undefined, 'only the table’s own keys');
});
