import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findingKinds } from '../../core/finding-kinds.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { deviceTypes } from '../../identify/rule-types.ts';
import { adviceFor, adviceSummary, loadDeviceAdvice } from './device-advice.ts';
import { defaultMessagesDirectory, messageLanguages } from './templates.ts';

const advice = loadDeviceAdvice();

test('every device type × finding kind × language has its own steps', () => {
  for (const language of messageLanguages) {
    for (const type of deviceTypes) {
      for (const kind of findingKinds) {
        const cell = adviceFor(advice, language, type, kind);
        assert.ok(cell.steps.length > 0, `${language}/${type}/${kind}`);
        assert.equal(cell.specific, type !== 'other');
      }
      // Within one device type, each kind says something different.
      const texts = findingKinds.map((kind) => adviceFor(advice, language, type, kind).steps.join('\n'));
      assert.equal(new Set(texts).size, texts.length, `${language}/${type}: two kinds share their steps`);
    }
    // Within one kind, each device type has its own steps.
    for (const kind of findingKinds) {
      const texts = deviceTypes.map((type) => adviceFor(advice, language, type, kind).steps.join('\n'));
      assert.equal(new Set(texts).size, texts.length, `${language}/${kind}: two device types share their steps`);
    }
  }
  // The Japanese file is a translation, not a copy: no cell is the English one.
  for (const type of deviceTypes)
    for (const kind of findingKinds) assert.notDeepEqual(advice.ja.steps[type][kind], advice.en.steps[type][kind], `${type}/${kind}`);
  assert.match(advice.ja.steps.router.infected.join(''), /[ぁ-んァ-ン]/u);
});

test('the steps name what matters for that kind of device', () => {
  const en = (type: string, kind: (typeof findingKinds)[number]) => adviceFor(advice, 'en', type, kind).steps.join(' ');
  assert.match(en('ip-camera', 'weak-credential'), /RTSP/);
  assert.match(en('ip-camera', 'weak-credential'), /ONVIF/);
  assert.match(en('router', 'vulnerable-firmware'), /remote administration/);
  assert.match(en('router', 'vulnerable-firmware'), /UPnP/);
  assert.match(en('dvr', 'weak-credential'), /P2P/);
  assert.match(en('nas', 'weak-credential'), /administration page/);
  assert.match(en('printer', 'weak-credential'), /SNMP/);
  assert.match(en('critical', 'infected'), /installer/);
  assert.match(en('critical', 'infected'), /not just unplug/i);
  assert.match(adviceFor(advice, 'ja', 'critical', 'no-authentication').steps.join(''), /抜くだけの対処はしないでください/);
});

test('an unknown or missing device type falls back to the kind-only advice', () => {
  const unknown = adviceFor(advice, 'en', 'toaster', 'infected');
  assert.equal(unknown.specific, false);
  assert.deepEqual(unknown.steps, advice.en.steps.other.infected);
  assert.equal(adviceSummary(advice, 'ja', undefined, 'infected').device, undefined);
  assert.match(adviceSummary(advice, 'ja', undefined, 'infected').general, /ネットワークから外し/);
  assert.equal(adviceSummary(advice, 'en', 'nas', 'reflector').device?.deviceName, 'network storage (NAS)');
});

/** Copies the shipped files to a temporary folder, with `change` applied to the English one. */
function loadChanged(change: (text: string) => string): unknown {
  const directory = mkdtempSync(path.join(tmpdir(), 'device-advice-'));
  try {
    copyFileSync(path.join(defaultMessagesDirectory, 'device-advice-ja.yaml'), path.join(directory, 'device-advice-ja.yaml'));
    const english = readFileSync(path.join(defaultMessagesDirectory, 'device-advice-en.yaml'), 'utf8');
    writeFileSync(path.join(directory, 'device-advice-en.yaml'), change(english));
    try {
      loadDeviceAdvice(directory);
      return undefined;
    } catch (error) {
      return error;
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

test('a broken file is refused with a coded error that says where', () => {
  const cases: Array<[string, (text: string) => string, RegExp]> = [
    ['a missing kind', (text) => text.replace(/\n {4}reflector:\n( {6}- .*\n)+(?= {2}router:)/, '\n'), /missing "reflector"/],
    ['a missing device type', (text) => text.replace(/\n {2}printer:\n( {4}.*\n)+(?= {2}iot-gateway:)/, '\n'), /missing "printer"/],
    ['an unknown kind', (text) => text.replace("    no-authentication:\n      - 'The camera", "    no-auth:\n      - 'The camera"), /unknown field "no-auth"/],
    [
      'an empty step list',
      (text) => text.replace(/ {2}other:\n {4}weak-credential:\n( {6}- .*\n)+/, '  other:\n    weak-credential: []\n'),
      /at least one step/,
    ],
    ['the wrong language', (text) => text.replace('language: en', 'language: ja'), /declares language "ja"/],
    ['an overlong step', (text) => text.replace("- 'Install the newest firmware from the maker", `- '${'x'.repeat(500)} maker`), /at most 400/],
  ];
  for (const [name, change, message] of cases) {
    const error = loadChanged(change);
    assert.ok(error instanceof OpenNoticeError, `${name}: refused`);
    assert.equal(error.code, 'CONFIG_INVALID', name);
    assert.match(error.message, message, name);
    assert.match(String(error.context?.file), /device-advice-en\.yaml$/, `${name}: names the file`);
    assert.equal(typeof error.context?.line, 'number', `${name}: names the line`);
  }
  assert.equal(
    loadChanged((text) => text),
    undefined,
    'the unchanged file loads',
  );
});
