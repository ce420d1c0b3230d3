import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FindingKind, NotifiableFinding } from '../../core/records.ts';
import {
  allFindings,
  darknetBot,
  hostileDevice,
  openShell,
  sampleReport,
  ssdpReflector,
  vulnerableFirmware,
  weakTelnet,
} from '../../../test/support/notifiable-findings.ts';
import { renderEmail } from './email.ts';
import { formatTime, renderSubscriberNotices } from './notices.ts';
import { loadMessageTemplates } from './templates.ts';

const templates = loadMessageTemplates();
const sampleOf: Record<FindingKind, NotifiableFinding> = {
  'weak-credential': weakTelnet,
  'no-authentication': openShell,
  'vulnerable-firmware': vulnerableFirmware,
  infected: darknetBot,
  reflector: ssdpReflector,
};

/** Phrases each notice must contain: what was found and what to do, in plain words. */
const keyPhrases: Record<'ja' | 'en', Record<FindingKind, RegExp[]>> = {
  en: {
    'weak-credential': [/factory-set password/, /change the device's password/],
    'no-authentication': [/without a password/, /turn on password protection/],
    'vulnerable-firmware': [/known security flaws/, /update the device's software/, /replace it with a current model/],
    infected: [/infected with malicious software/, /Disconnect the device from the Internet/, /Reset it to its factory settings/, /change its password/],
    reflector: [/answers UPnP device discovery \(SSDP\) requests from anyone/, /about 30 times larger/, /flood/, /turn off UPnP on the Internet \(WAN\) side/],
  },
  ja: {
    'weak-credential': [/工場出荷時のパスワード/, /パスワードを、他で使っていない長く推測されにくいものに変更してください/],
    'no-authentication': [/パスワードなしで誰でも操作できる/, /パスワードによる保護を有効に/],
    'vulnerable-firmware': [/脆弱性/, /最新のファームウェアに更新してください/, /買い替え/],
    infected: [/マルウェア/, /インターネットから切り離してください/, /工場出荷時の状態に初期化してください/, /パスワードを長く推測されにくいものに変更/],
    reflector: [/DDoS攻撃の踏み台/, /UPnP（SSDP）の機器探索機能の問い合わせにも応答/, /約30倍/, /インターネット側（WAN側）のUPnPを無効にしてください/],
  },
};

for (const language of ['en', 'ja'] as const) {
  for (const kind of Object.keys(sampleOf) as FindingKind[]) {
    test(`${language} notice for ${kind} says what was found and what to do`, () => {
      const [notice] = renderSubscriberNotices(sampleReport([sampleOf[kind]], language), { templates });
      assert.ok(notice);
      for (const phrase of keyPhrases[language][kind]) assert.match(notice.text, phrase);
      for (const other of Object.keys(sampleOf) as FindingKind[]) {
        if (other !== kind) assert.ok(!notice.text.includes(templates[language].notice.kinds[other].title), `${other} section in a ${kind} notice`);
      }
      assert.ok(notice.text.includes(sampleOf[kind].ip));
      assert.doesNotMatch(notice.text, /\{[A-Za-z]+\}/, 'no placeholder left unfilled');
    });
  }
}

test("a notice names the device and shows the time in the reader's time zone", () => {
  const [en] = renderSubscriberNotices(sampleReport([weakTelnet], 'en'), { templates });
  assert.match(en!.text, /On 2025-01-31 15:30 UTC, we found that a device \(Korvan IPC-2120\)/);
  const [ja] = renderSubscriberNotices(sampleReport([weakTelnet], 'ja'), { templates });
  assert.match(ja!.text, /2025年2月1日 00:30（日本時間）に、お客様の回線に接続された機器（Korvan IPC-2120）/);
  assert.equal(formatTime('2025-12-31T15:00:00Z', 540, '{year}/{month2}/{day2} {hour}:{minute}'), '2026/01/01 00:00');
});

test('one notice per address with open findings; closed findings are not sent to subscribers', () => {
  const closed = { ...openShell, status: 'closed' as const };
  const notices = renderSubscriberNotices(sampleReport([weakTelnet, vulnerableFirmware, closed, darknetBot]), { templates });
  assert.deepEqual(
    notices.map((notice) => [notice.ip, notice.findingIds]),
    [
      ['198.51.100.7', [11, 13]],
      ['198.51.100.20', [14]],
    ],
  );
});

test('nothing secret reaches the e-mail or any attachment', () => {
  for (const language of ['en', 'ja'] as const) {
    const email = renderEmail(sampleReport(allFindings, language), { templates });
    for (const text of [email.subject, email.text, ...email.attachments.map((file) => file.content)]) {
      assert.doesNotMatch(text, /admin-user-secret|root-typed-by-bot|wget/);
    }
  }
});

test('hostile device strings and ISP names cannot forge headers, links or markup', () => {
  const report = { ...sampleReport([hostileDevice]), isp: { id: 'isp-a', name: 'Evil\r\nBcc: all@example.com', language: 'en' as const } };
  const email = renderEmail(report, { templates });
  assert.doesNotMatch(email.subject, /[\r\n]/);
  assert.match(email.subject, /Evil Bcc: all@example\.com/);
  const notices = email.attachments.find((file) => file.filename.endsWith('-notices-en.txt'))!.content;
  assert.doesNotMatch(notices, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  assert.doesNotMatch(notices, /http:\/\/evil|<script>/);
  assert.match(notices, /a device \(=HYPERLINK\("http\[:\]\/\/evil\.example"/, 'plain text: shown, defanged, never a formula cell');
  assert.match(notices, /Cam \{isp\} Bcc: victim@example\.com/, 'a device string is never expanded as a placeholder');
  assert.ok(!notices.split('\n').some((line) => /^Bcc:/.test(line)), 'no device-controlled line start');
});

test('the cover text counts findings by kind and lists every attachment', () => {
  const email = renderEmail(sampleReport(allFindings, 'en'), { templates });
  assert.equal(email.subject, '[opennotice] IoT security report for Example ISP: 8 findings up to 2025-01-31');
  assert.match(email.text, /found 8 security problems with Internet-connected devices on 7 addresses/);
  assert.match(email.text, /^ {2}- devices that answer anyone with large replies and can be misused to flood others \(DDoS reflectors\): 2$/m);
  assert.match(email.text, /^ {2}- devices that appear to be infected with malicious software: 2$/m);
  assert.match(email.text, /^ {2}- devices that accept a factory-set or easily guessed password: 2$/m);
  assert.deepEqual(
    email.attachments.map((file) => [file.filename, file.contentType]),
    [
      ['opennotice-isp-a-20250131-r-42.csv', 'text/csv; charset=utf-8'],
      ['opennotice-isp-a-20250131-r-42-scan_ntpmonitor.csv', 'text/csv; charset=utf-8'],
      ['opennotice-isp-a-20250131-r-42-scan_ssdp.csv', 'text/csv; charset=utf-8'],
      ['opennotice-isp-a-20250131-r-42.json', 'application/json'],
      ['opennotice-isp-a-20250131-r-42.stix.json', 'application/stix+json;version=2.1'],
      ['opennotice-isp-a-20250131-r-42.intelmq.jsonl', 'application/x-ndjson'],
      ['opennotice-isp-a-20250131-r-42-notices-en.txt', 'text/plain; charset=utf-8'],
    ],
  );
  for (const file of email.attachments) assert.ok(email.text.includes(file.filename), `${file.filename} not listed`);
  assert.match(email.text, /-scan_ssdp\.csv: the 1 reflector\(s\) of Shadowserver's "Open SSDP" report \(scan_ssdp\), with that report's own columns$/m);
  assert.match(email.text, /Questions about this report: notice@notice\.example/);
});

test('the Japanese cover text, and only the requested formats', () => {
  const email = renderEmail(sampleReport(allFindings, 'ja'), { templates, formats: ['csv', 'notices'] });
  assert.match(email.subject, /^【opennotice】Example ISP様 IoT機器のセキュリティ調査結果（8件、2025年2月1日まで）$/);
  assert.match(email.text, /計8件確認しました/);
  assert.match(email.text, /・誰からの問い合わせにも大きな応答を返し、DDoS攻撃の踏み台に悪用されるおそれのある機器: 2件/);
  assert.match(email.text, /・マルウェアに感染しているとみられる機器: 2件/);
  assert.deepEqual(
    email.attachments.map((file) => file.filename),
    [
      'opennotice-isp-a-20250131-r-42.csv',
      'opennotice-isp-a-20250131-r-42-scan_ntpmonitor.csv',
      'opennotice-isp-a-20250131-r-42-scan_ssdp.csv',
      'opennotice-isp-a-20250131-r-42-notices-ja.txt',
    ],
  );
  assert.match(email.text, /scan_ssdp\.csv: Shadowserverの「Open SSDP」レポート（scan_ssdp）と同じ列を持つ、踏み台となる機器1件のCSV/);
  assert.match(email.attachments[3]!.content, /件名: 【重要】/);
  assert.ok(!email.text.includes('.stix.json'));
});

test('a program without contact or links leaves those lines out instead of printing them empty', () => {
  const report = { ...sampleReport([weakTelnet]), program: { name: 'opennotice' } };
  const email = renderEmail(report, { templates, formats: ['notices'] });
  assert.doesNotMatch(email.text, /Questions about this report|About the program/);
  assert.doesNotMatch(email.attachments[0]!.content, /More advice|About this notice|Questions:/);
});
