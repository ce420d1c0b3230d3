import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { grabberByName, grabberForPort, grabbers } from './registry.ts';

test('default ports map to the agreed grabbers', () => {
  const expected: Record<number, string> = {
    23: 'telnet',
    2323: 'telnet',
    80: 'http',
    8080: 'http',
    81: 'http',
    8000: 'http',
    8081: 'http',
    8888: 'http',
    22: 'ssh',
    2222: 'ssh',
    21: 'ftp',
  };
  for (const [port, name] of Object.entries(expected)) assert.equal(grabberForPort(Number(port))?.name, name, `port ${port}`);
  assert.equal(grabberForPort(9), undefined);
  assert.equal(grabberByName('ftp')?.defaultPorts[0], 21);
  assert.equal(grabberByName('gopher'), undefined);
});

test('names are unique and no port is claimed twice', () => {
  assert.equal(new Set(grabbers.map((grabber) => grabber.name)).size, grabbers.length);
  const ports = grabbers.flatMap((grabber) => grabber.defaultPorts);
  assert.equal(new Set(ports).size, ports.length);
});

test('non-test grabber code never opens sockets itself', () => {
  const root = fileURLToPath(new URL('.', import.meta.url));
  const credentials = fileURLToPath(new URL('../assess/credentials/', import.meta.url));
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(path);
    }
  };
  walk(root);
  walk(credentials);
  assert.ok(files.length >= 10);
  for (const file of files) assert.doesNotMatch(readFileSync(file, 'utf8'), /from ['"]node:(net|tls|dgram)['"]/, file);
});
