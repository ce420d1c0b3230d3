import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleReport, weakTelnet } from '../../../test/support/notifiable-findings.ts';
import { renderSubscriberNotices } from './notices.ts';
import { loadMessageTemplates } from './templates.ts';

const templates = loadMessageTemplates();

test("a notice gives the steps for the kind of device found, in the subscriber's language", () => {
  const camera = { ...weakTelnet, deviceType: 'ip-camera' as const };
  const [english] = renderSubscriberNotices(sampleReport([camera], 'en'), { templates });
  assert.match(english!.text, /Steps for a network camera:\n {2}- .*\n {2}- .*RTSP.*ONVIF/);
  const [japanese] = renderSubscriberNotices(sampleReport([camera], 'ja'), { templates });
  assert.match(japanese!.text, /ネットワークカメラの場合の手順：\n {2}- /);
  assert.match(japanese!.text, /RTSP/);
  const critical = { ...weakTelnet, deviceType: 'critical' as const };
  const [plant] = renderSubscriberNotices(sampleReport([critical], 'en'), { templates });
  assert.match(plant!.text, /Do not switch it off yourself/);
});

test('a notice without a known device type keeps the kind-only text', () => {
  for (const deviceType of [undefined, 'other' as const]) {
    const [notice] = renderSubscriberNotices(sampleReport([{ ...weakTelnet, deviceType }], 'en'), { templates });
    assert.doesNotMatch(notice!.text, /Steps for a/);
    assert.match(notice!.text, /password/);
  }
});
