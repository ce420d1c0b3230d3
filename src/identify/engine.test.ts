import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataFile } from '../core/data-file.ts';
import type { GrabResult, ServiceObservation } from '../core/records.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { createIdentifier, identifyTextLimit } from './engine.ts';
import { patternTextLimit } from './linear-pattern.ts';
import { compilePattern } from './pattern.ts';
import { combineConfidence } from './resolve.ts';
import { loadRuleFiles, ruleSetFromDataFiles } from './rule-loader.ts';

const rulesYaml = `
rules:
  - id: korvan-http-title
    protocol: http
    field: title
    pattern: '^Korvan (?<model>IPC-\\d+[A-Z]*) Web'
    sets: { vendor: Korvan, deviceType: ip-camera }
    confidence: 0.9
  - id: korvan-telnet-banner
    protocol: telnet
    field: banner
    pattern: 'Korvan Embedded Linux \\(firmware [vV]?(?<version>[\\d.]+)\\)'
    sets: { vendor: Korvan }
    confidence: 0.7
  - id: korvan-realm
    protocol: http
    field: auth.realm
    pattern: '^KORVAN-(?<model>[A-Z]+-\\d+)$'
    sets: { vendor: korvan }
    confidence: 0.5
  - id: tessaro-server
    protocol: http
    field: headers.server
    pattern: '^Tessaro-Webs/(?<version>[\\d.]+)'
    sets: { vendor: Tessaro, model: TR-100, deviceType: router }
    confidence: 0.85
  - id: tessaro-ssh
    protocol: ssh
    field: software
    pattern: '^TessaroSSH'
    sets: { vendor: Tessaro }
    confidence: 0.6
  - id: dropbear
    protocol: ssh
    field: software
    pattern: '^dropbear'
    sets: { os: linux }
    confidence: 0.3
  - id: generic-camera-server
    protocol: http
    field: headers.server
    pattern: '^IPCam-Webs'
    sets: { deviceType: ip-camera }
    confidence: 0.4
  - id: unauthorised-status
    protocol: http
    field: status
    pattern: '^401$'
    sets: { os: embedded }
  - id: nameless-vendor-ftp
    protocol: ftp
    field: banner
    pattern: '^(?<vendor>Ulmo) FTP'
    sets: {}
    confidence: 0.8
products:
  - { vendor: Korvan, model: IPC-2120, deviceType: ip-camera, releaseYear: 2014, cpeVendor: korvan, cpeProduct: ipc-2120_firmware }
  - { vendor: Korvan, model: NVR-8, deviceType: dvr, releaseYear: 2011, cpeProduct: 'nvr-8 firmware' }
`;

const identifier = createIdentifier(ruleSetFromDataFiles([parseDataFile(rulesYaml, 'engine-test.yaml', 'RULES_INVALID')]));

function observation(protocol: string, port: number, result: GrabResult): ServiceObservation {
  return { ip: '127.0.0.9', port, protocol, status: 'success', result, durationMs: 3, observedAt: '2025-01-01T00:00:00Z' };
}

const korvanCamera = [
  observation('http', 80, { status: 200, title: 'Korvan IPC-2120 Web Client', headers: { server: 'lighttpd' }, body: '', redirects: [] }),
  observation('telnet', 23, { banner: 'Korvan Embedded Linux (firmware V5.4.2)', prompt: 'login:', promptKind: 'login' }),
];

test('a device is identified from several services, joined with its product entry', () => {
  const identity = identifier.identify('127.0.0.9', korvanCamera);
  assert.ok(identity);
  assert.equal(identity.vendor, 'Korvan');
  assert.equal(identity.model, 'IPC-2120');
  assert.equal(identity.deviceType, 'ip-camera');
  assert.equal(identity.firmwareVersion, '5.4.2', 'the V outside the capture group is not part of the version');
  assert.equal(identity.releaseYear, 2014);
  assert.equal(identity.cpe, 'cpe:2.3:o:korvan:ipc-2120_firmware:5.4.2:*:*:*:*:*:*:*');
  assert.equal(identity.confidence, combineConfidence([0.9, 0.7]));
  assert.deepEqual(identity.evidence, [
    { ruleId: 'korvan-http-title', protocol: 'http', port: 80, matched: 'Korvan IPC-2120 Web' },
    { ruleId: 'korvan-telnet-banner', protocol: 'telnet', port: 23, matched: 'Korvan Embedded Linux (firmware V5.4.2)' },
  ]);
});

test('the product entry decides device type and spelling; cpeVendor defaults from the vendor', () => {
  const identity = identifier.identify('127.0.0.9', [observation('http', 80, { auth: { scheme: 'basic', realm: 'KORVAN-nvr-8' }, headers: {} })]);
  // The realm pattern is case-sensitive for the prefix but the model join is not.
  assert.equal(identity, undefined, 'the realm pattern does not match lower-case "nvr"');
  const nvr = identifier.identify('127.0.0.9', [observation('http', 80, { auth: { scheme: 'basic', realm: 'KORVAN-NVR-8' } })]);
  assert.ok(nvr);
  assert.equal(nvr.vendor, 'Korvan', 'vendor spelt as in the product entry, not "korvan" from the rule');
  assert.equal(nvr.model, 'NVR-8');
  assert.equal(nvr.deviceType, 'dvr');
  assert.equal(nvr.releaseYear, 2011);
  assert.equal(nvr.cpe, 'cpe:2.3:o:korvan:nvr-8_firmware:*:*:*:*:*:*:*:*', 'unknown version is ANY; spaces become _');
});

test("conflicting vendors: the most total confidence wins and the loser's facts are dropped", () => {
  // Korvan: 0.9 + 0.7 = 1.6 against Tessaro: 0.85 + 0.6 = 1.45.
  const identity = identifier.identify('127.0.0.9', [
    ...korvanCamera,
    observation('http', 8080, { headers: { server: 'Tessaro-Webs/2.0' } }),
    observation('ssh', 22, { software: 'TessaroSSH_1.0', version: 'SSH-2.0-TessaroSSH_1.0' }),
  ]);
  assert.ok(identity);
  assert.equal(identity.vendor, 'Korvan');
  assert.equal(identity.firmwareVersion, '5.4.2', 'the Tessaro version 2.0 is not used');
  assert.ok(!identity.evidence.some((item) => item.ruleId.startsWith('tessaro')));

  // Without the telnet banner Korvan has 0.9 against 1.45: Tessaro wins.
  const flipped = identifier.identify('127.0.0.9', [
    korvanCamera[0],
    observation('http', 8080, { headers: { server: 'Tessaro-Webs/2.0' } }),
    observation('ssh', 22, { software: 'TessaroSSH_1.0' }),
  ]);
  assert.ok(flipped);
  assert.deepEqual([flipped.vendor, flipped.model, flipped.deviceType, flipped.firmwareVersion], ['Tessaro', 'TR-100', 'router', '2.0']);
  assert.equal(flipped.cpe, undefined, 'no product entry, no CPE');
});

test('partial rules never create an identity on their own', () => {
  const observations = [
    observation('ssh', 22, { software: 'dropbear_2014.63', version: 'SSH-2.0-dropbear_2014.63' }),
    observation('http', 80, { status: 401, headers: { server: 'IPCam-Webs/1.0' } }),
  ];
  assert.equal(identifier.identify('127.0.0.9', observations), undefined);
  // …but they did match, which `match` shows for explain output.
  assert.deepEqual(
    identifier
      .match(observations)
      .map((match) => match.rule.id)
      .sort(),
    ['dropbear', 'generic-camera-server', 'unauthorised-status'],
  );
});

test('a vendor-less device-type hint fills the type when nothing better says it', () => {
  const identity = identifier.identify('127.0.0.9', [
    observation('ftp', 21, { banner: 'Ulmo FTP server ready', code: 220 }),
    observation('http', 80, { headers: { server: 'IPCam-Webs/1.0' } }),
    observation('ssh', 22, { software: 'dropbear_2014.63' }),
  ]);
  assert.ok(identity);
  assert.equal(identity.vendor, 'Ulmo', 'vendor captured by a named group');
  assert.equal(identity.deviceType, 'ip-camera');
  assert.deepEqual(
    identity.evidence.map((item) => item.ruleId),
    ['generic-camera-server', 'nameless-vendor-ftp'],
    'the os-only dropbear rule is not evidence of the identity',
  );
  assert.equal(identity.confidence, combineConfidence([0.8, 0.4]));

  const untyped = identifier.identify('127.0.0.9', [observation('ftp', 21, { banner: 'Ulmo FTP server ready' })]);
  assert.equal(untyped?.deviceType, 'other');
});

test('within the winning vendor the strongest rule picks the model; a disagreeing rule is not evidence', () => {
  const identity = identifier.identify('127.0.0.9', [
    observation('http', 80, { title: 'Korvan IPC-2120 Web', auth: { scheme: 'basic', realm: 'KORVAN-NVR-8' } }),
  ]);
  assert.ok(identity);
  assert.equal(identity.model, 'IPC-2120');
  assert.deepEqual(
    identity.evidence.map((item) => item.ruleId),
    ['korvan-http-title'],
  );
  assert.equal(identity.confidence, 0.9);
});

test('a rule counts once per address even when two ports serve the same page', () => {
  const matches = identifier.match([korvanCamera[0], { ...korvanCamera[0], port: 8080 }]);
  assert.equal(matches.length, 1);
  assert.equal(matches[0].port, 80);
});

test('absent, non-text and other-protocol fields are skipped without error', () => {
  const identity = identifier.identify('127.0.0.9', [
    observation('http', 80, { title: ['Korvan IPC-2120 Web'], headers: { server: { name: 'Tessaro-Webs/1' } } }),
    observation('mqtt', 1883, { title: 'Korvan IPC-2120 Web' }),
    observation('telnet', 23, {}),
    { ...observation('http', 81, {}), result: undefined as unknown as GrabResult },
  ]);
  assert.equal(identity, undefined);
});

test('matched text in evidence is cut to 120 characters', () => {
  const longBanner = `Korvan Embedded Linux (firmware ${'1.'.repeat(100)}0)`;
  const [match] = identifier.match([observation('telnet', 23, { banner: longBanner })]);
  assert.equal(match.matched.length, 120);
  assert.ok(longBanner.startsWith(match.matched));
});

test('confidence combines as 1 − Π(1 − c), capped at 0.99', () => {
  assert.equal(combineConfidence([0.9, 0.5]), 0.95);
  assert.equal(combineConfidence([0.9, 0.9, 0.9]), 0.99);
  assert.equal(combineConfidence([]), 0);
});

test('versions are only trimmed: a V inside the capture group stays', () => {
  const ruleSet = ruleSetFromDataFiles([
    parseDataFile(`rules:\n  - { id: v, protocol: ftp, field: banner, pattern: 'fw (?<version>\\S+ ?)', sets: { vendor: Velo } }\n`, 'v.yaml', 'RULES_INVALID'),
  ]);
  const identity = createIdentifier(ruleSet).identify('127.0.0.9', [observation('ftp', 21, { banner: 'fw V5.02.R11 ' })]);
  assert.equal(identity?.firmwareVersion, 'V5.02.R11');
});

test('a web interface over TLS is read by the HTTP rules (https reads the rules of http), and only by them', () => {
  const overTls = identifier.identify('127.0.0.10', [observation('https', 443, { title: 'Korvan IPC-2120 Web Client', status: 200 })]);
  assert.equal(overTls?.vendor, 'Korvan');
  assert.equal(overTls?.model, 'IPC-2120');
  const matched = identifier.match([observation('https', 8443, { headers: { server: 'Tessaro-Webs/2.4' } })]);
  assert.deepEqual(
    matched.map((match) => [match.rule.id, match.protocol, match.port]),
    [['tessaro-server', 'https', 8443]],
  );
  // No alias: a protocol's rules are not read for another protocol's fields.
  const plain = createIdentifier(ruleSetFromDataFiles([parseDataFile(rulesYaml, 'engine-test.yaml', 'RULES_INVALID')]), new Map());
  assert.equal(plain.identify('127.0.0.10', [observation('https', 443, { title: 'Korvan IPC-2120 Web Client' })]), undefined);
});

test('a rule pattern reads at most identifyTextLimit characters of a field', () => {
  const tailRules = `
rules:
  - id: tail-marker
    protocol: telnet
    field: banner
    pattern: 'MARK$'
    sets: { vendor: Tail }
`;
  const tail = createIdentifier(ruleSetFromDataFiles([parseDataFile(tailRules, 'tail.yaml', 'RULES_INVALID')]));
  const within = `${'a'.repeat(identifyTextLimit - 4)}MARK`;
  assert.equal(tail.match([observation('telnet', 23, { banner: within })]).length, 1, 'the last characters within the limit are read');
  const oneTooFar = `${'a'.repeat(identifyTextLimit - 3)}MARK`;
  assert.equal(tail.match([observation('telnet', 23, { banner: oneTooFar })]).length, 0, 'nothing past the limit is read');
});

test('a pattern outside the linear-time engine with two long repetitions reads the short stretch; one beside it in the same field reads the full one', () => {
  const shortRules = `
rules:
  - id: two-long-parts
    protocol: telnet
    field: banner
    pattern: 'Connect-OWS .{0,1000} Copyright .{0,1000} Redline$'
    sets: { vendor: Redline }
  - id: tail-marker
    protocol: telnet
    field: banner
    pattern: 'MARK$'
    sets: { vendor: Tail }
`;
  const loaded = ruleSetFromDataFiles([parseDataFile(shortRules, 'short.yaml', 'RULES_INVALID')]);
  assert.deepEqual(
    loaded.rules.map((rule) => rule.readsAtMost),
    [patternTextLimit.short, identifyTextLimit],
  );
  const identifier = createIdentifier(loaded);
  const banner = (before: number) => `${'a'.repeat(before)}Connect-OWS x Copyright y Redline`;
  const ids = (text: string) => identifier.match([observation('telnet', 23, { banner: text })]).map((match) => match.rule.id);
  assert.deepEqual(ids(banner(patternTextLimit.short - 33)), ['two-long-parts'], 'ends at the last character of the short stretch');
  assert.deepEqual(ids(banner(patternTextLimit.short - 32)), [], 'one character past it');
  assert.deepEqual(ids(`${banner(patternTextLimit.short)}MARK`.padStart(identifyTextLimit, ' ')), ['tail-marker'], 'the other rule still reads 16 KB');
});

test('a pattern with nested quantifiers is refused at load, naming the file, line and pattern; a hostile banner never meets it', () => {
  const risky = `rules:
  - id: risky
    protocol: telnet
    field: banner
    pattern: '^(?<model>(\\w+\\s?)+)$'
    sets: { vendor: Risky }
`;
  assert.throws(
    () => ruleSetFromDataFiles([parseDataFile(risky, 'risky.yaml', 'RULES_INVALID')]),
    (error: unknown) => {
      assert.ok(error instanceof OpenNoticeError);
      assert.equal(error.code, 'RULES_INVALID');
      assert.match(error.describe(), /^risky\.yaml:5: .*nested quantifiers: .*catastrophic backtracking/);
      return true;
    },
  );
  // What the refusal prevents: this pattern needs 2^n steps on a banner of n word characters
  // and a space that fails the match; 30 would already take minutes.
  const compiled = compilePattern('^(?<model>(\\w+\\s?)+)$', '');
  assert.ok('problem' in compiled);
});

test('the shipped rules read 64 KB hostile texts in every field they match on (ends well within the test timeout)', { timeout: 60_000 }, () => {
  const shipped = loadRuleFiles();
  const shippedIdentifier = createIdentifier(shipped);
  const fieldsByProtocol = new Map<string, string[]>();
  for (const rule of shipped.rules) fieldsByProtocol.set(rule.protocol, [...(fieldsByProtocol.get(rule.protocol) ?? []), rule.field]);
  // Texts that come close to many patterns: version-like runs, words, separators, markup.
  for (const hostile of ['1.'.repeat(32_768), 'a'.repeat(65_536), 'a-'.repeat(32_768), 'Aa1 .-_/('.repeat(7_282), '<a>'.repeat(21_845), ' \t'.repeat(32_768)]) {
    for (const [protocol, fields] of fieldsByProtocol) {
      const result: Record<string, unknown> = {};
      for (const field of fields) {
        const path = field.split('.');
        let at = result;
        for (const segment of path.slice(0, -1)) at = (at[segment] ??= {}) as Record<string, unknown>;
        at[path[path.length - 1]] = hostile;
      }
      assert.ok(Array.isArray(shippedIdentifier.match([observation(protocol, 1, result as GrabResult)])));
    }
  }
});
