import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIPv4 } from '../scope/ipv4.ts';
import { defaultRemediationCalibration, remediationChannels, remediationModel, type RemediationChannel } from './remediation.ts';

/** 10 000 lab-like addresses (strings only: nothing is contacted). */
const addresses = Array.from({ length: 10_000 }, (_, index) => formatIPv4(0x7f4d0000 + 1 + index * 6));

function shareFixedWithin(channel: RemediationChannel, days: number, seed = 7): number {
  const model = remediationModel({ seed, channel });
  return addresses.filter((ip) => model.fixedWithin(ip, days)).length / addresses.length;
}

test('each channel reproduces its 14-day calibration over 10k simulated devices', () => {
  for (const channel of remediationChannels) {
    const share = shareFixedWithin(channel, 14);
    assert.ok(Math.abs(share - defaultRemediationCalibration[channel].shareBy14Days) < 0.015, `${channel}: ${share}`);
  }
  // The published figures themselves, not just "whatever the table says".
  assert.ok(Math.abs(shareFixedWithin('walled-garden', 14) - 0.92) < 0.015);
  const none = shareFixedWithin('none', 14);
  assert.ok(none >= 0.58 && none <= 0.74, `natural remediation ${none} outside Çetin et al.'s 58–74 %`);
});

test('e-mail is barely above no notice; a walled garden and ISP-managed fixes are far above', () => {
  const none = shareFixedWithin('none', 14);
  const email = shareFixedWithin('email', 14);
  const walledGarden = shareFixedWithin('walled-garden', 14);
  assert.ok(email > none && email - none < 0.06, `email ${email} vs none ${none}`);
  assert.ok(walledGarden - email > 0.15, `walled garden ${walledGarden} vs email ${email}`);
  assert.ok(shareFixedWithin('isp-managed', 14) - walledGarden > 0.03);
});

test('the curve rises with time and levels off at the eventual share', () => {
  const byDay = [1, 3, 7, 14, 30, 90].map((days) => shareFixedWithin('email', days));
  for (let index = 1; index < byDay.length; index++) assert.ok(byDay[index]! >= byDay[index - 1]!, `not monotone: ${byDay.join(', ')}`);
  assert.ok(byDay[0]! > 0.05 && byDay[0]! < 0.3, `day 1: ${byDay[0]}`);
  assert.ok(Math.abs(byDay.at(-1)! - defaultRemediationCalibration.email.eventualShare) < 0.015, `day 90: ${byDay.at(-1)}`);
  assert.ok(byDay.at(-1)! < 1, 'some owners never fix');
});

test('decisions are deterministic per seed and address, and differ between seeds', () => {
  const first = remediationModel({ seed: 3, channel: 'email' });
  const again = remediationModel({ seed: 3, channel: 'email' });
  const other = remediationModel({ seed: 4, channel: 'email' });
  const sample = addresses.slice(0, 500);
  assert.deepEqual(sample.map(first.decide), sample.map(again.decide));
  assert.notDeepEqual(sample.map(first.decide), sample.map(other.decide));
  for (const decision of sample.map(first.decide)) {
    if (decision.fixes) assert.ok(Number.isInteger(decision.afterDays) && decision.afterDays! >= 1);
    else assert.equal(decision.afterDays, undefined);
  }
});

test('a stronger channel never makes an owner fix later (common random numbers)', () => {
  const ladder = remediationChannels.map((channel) => remediationModel({ seed: 9, channel }));
  for (const ip of addresses.slice(0, 2000)) {
    for (let index = 1; index < ladder.length; index++) {
      const weaker = ladder[index - 1]!.decide(ip);
      const stronger = ladder[index]!.decide(ip);
      if (weaker.fixes) assert.ok(stronger.fixes && stronger.afterDays! <= weaker.afterDays!, `${ip}: ${JSON.stringify([weaker, stronger])}`);
    }
  }
});

test('a custom calibration is honoured and an impossible one refused', () => {
  const model = remediationModel({ seed: 1, channel: 'email', calibration: { eventualShare: 0.5, shareBy14Days: 0.3, source: 'test' } });
  const share = addresses.filter((ip) => model.fixedWithin(ip, 14)).length / addresses.length;
  assert.ok(Math.abs(share - 0.3) < 0.015, String(share));
  assert.throws(() => remediationModel({ seed: 1, channel: 'email', calibration: { eventualShare: 0.5, shareBy14Days: 0.6, source: 'test' } }), RangeError);
});
