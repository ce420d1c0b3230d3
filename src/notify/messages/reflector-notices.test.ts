import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NotifiableFinding } from '../../core/records.ts';
import { parseDataFile } from '../../core/data-file.ts';
import { ntpMonlistReflector, sampleReport, ssdpReflector } from '../../../test/support/notifiable-findings.ts';
import { renderSubscriberNotices } from './notices.ts';
import { defaultMessagesDirectory, loadMessageTemplates, parseLanguageTemplates, reflectorProtocols, type ReflectorProtocol } from './templates.ts';

const templates = loadMessageTemplates();

/** What each protocol's advice must say, in each language: the step that makes it stop reflecting. */
const ownAdvice: Record<'en' | 'ja', Record<ReflectorProtocol, RegExp>> = {
  en: {
    ssdp: /turn off UPnP on the Internet \(WAN\) side/,
    snmp: /change the community name from the factory-set "public"/,
    ntp: /"disable monitor" and "restrict default noquery"/,
    dns: /answer only computers in your own network/,
    memcached: /"-U 0"/,
    coap: /turn off CoAP on the Internet side/,
    wsd: /UDP port 3702/,
    mdns: /turn off mDNS\/Bonjour on its WAN side/,
    ubiquiti: /UDP port 10001/,
    other: /restrict it to your own network/,
  },
  ja: {
    ssdp: /インターネット側（WAN側）のUPnPを無効にしてください/,
    snmp: /コミュニティ名を初期値の「public」から推測されにくいものに変更してください/,
    ntp: /「disable monitor」と「restrict default noquery」の2行を追加/,
    dns: /ネットワーク内のコンピューターからの問い合わせにだけ応答する/,
    memcached: /起動オプション「-U 0」/,
    coap: /インターネット側のCoAPを無効に/,
    wsd: /UDP 3702番ポート/,
    mdns: /WAN側のmDNS／Bonjourを無効にする/,
    ubiquiti: /UDP 10001番ポート/,
    other: /自社・自宅のネットワークからの利用だけに制限し/,
  },
};

const reflectorOn = (protocol: string, index: number): NotifiableFinding => ({
  ...ssdpReflector,
  id: 100 + index,
  ip: `198.51.100.${100 + index}`,
  protocol: protocol === 'other' ? 'chargen' : protocol,
  evidence: { request: 'probe', requestBytes: 10, replyBytes: 500, replyPackets: 1, amplification: 50 },
});

for (const language of ['en', 'ja'] as const) {
  test(`${language}: each protocol's reflector notice gives its own advice and no other protocol's`, () => {
    for (const [index, protocol] of reflectorProtocols.entries()) {
      const [notice] = renderSubscriberNotices(sampleReport([reflectorOn(protocol, index)], language), { templates });
      const text = notice!.text;
      assert.match(text, ownAdvice[language][protocol], `${protocol}: its own advice`);
      assert.ok(text.includes(templates[language].notice.reflector[protocol].service), `${protocol}: names its service`);
      for (const other of reflectorProtocols) {
        if (other !== protocol) assert.doesNotMatch(text, ownAdvice[language][other], `${protocol} notice gives ${other}'s advice`);
      }
      assert.match(text, language === 'en' ? /about 50 times larger/ : /約50倍/);
      assert.doesNotMatch(text, /\{[A-Za-z]+\}/, 'no placeholder left unfilled');
    }
  });
}

test('two protocols at one address get a section each; an unmeasured factor leaves its sentence out', () => {
  const ntpHere = { ...ntpMonlistReflector, ip: ssdpReflector.ip, evidence: { ...ntpMonlistReflector.evidence, amplification: undefined } };
  const [notice] = renderSubscriberNotices(sampleReport([ssdpReflector, ntpHere], 'en'), { templates });
  assert.match(notice!.text, ownAdvice.en.ssdp);
  assert.match(notice!.text, ownAdvice.en.ntp);
  assert.equal(notice!.text.match(/A device that can be misused to flood others/g)?.length, 2);
  assert.equal(notice!.text.match(/times larger than the request/g)?.length, 1, 'only the SSDP reply was measured');
});

test("an operator's texts without the per-protocol section fall back to the kind's own advice", () => {
  const text = readFileSync(path.join(defaultMessagesDirectory, 'en.yaml'), 'utf8');
  const withoutProtocols = text.slice(0, text.indexOf("  # A reflector's advice depends"));
  const en = parseLanguageTemplates(parseDataFile(withoutProtocols, 'en.yaml', 'CONFIG_INVALID'));
  assert.match(en.notice.reflector.memcached.advice, /Turn off the service on the internet side/);
  const [notice] = renderSubscriberNotices(sampleReport([reflectorOn('memcached', 0)], 'en'), { templates: { ...templates, en } });
  assert.match(notice!.text, /Turn off the service on the internet side/);
  assert.throws(
    () => parseLanguageTemplates(parseDataFile(text.replace(/ {4}other:\n(?: {6}.*\n| {8}.*\n)+/, ''), 'en.yaml', 'CONFIG_INVALID')),
    /notice\.reflector\.other: missing "other"/,
  );
  assert.throws(
    () => parseLanguageTemplates(parseDataFile(text.replace('What to do: {advice}', 'What to do: {advice} {contact}'), 'en.yaml', 'CONFIG_INVALID')),
    /unknown placeholder \{contact\}/,
  );
});
