// The shipped rules for industrial endpoints (rules/industrial-s7-iec104-fox.yaml): what an S7
// CPU's identification lists and a Niagara station's hello make of a device, and what they must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { GrabResult, ServiceObservation } from '../core/records.ts';
import { createIdentifier } from './engine.ts';
import { defaultRulesDirectory, loadRuleFiles } from './rule-loader.ts';

const industrial = createIdentifier(loadRuleFiles([join(defaultRulesDirectory, 'industrial-s7-iec104-fox.yaml')]));

function seen(protocol: string, port: number, result: GrabResult): ServiceObservation {
  return { ip: '127.151.5.1', port, protocol, status: 'success', result, durationMs: 1, observedAt: '2026-12-07T00:00:00Z' };
}

test('S7: the order number names the family, the firmware list the version without its V, the type is critical', () => {
  const identity = industrial.identify('127.151.5.1', [
    seen('s7', 102, { orderNumber: '6ES7 516-3AN01-0AB0', firmwareVersion: 'V2.9.4', copyright: 'Original Siemens Equipment', moduleType: 'CPU 1516-3 PN/DP' }),
  ]);
  assert.deepEqual([identity?.vendor, identity?.model, identity?.firmwareVersion, identity?.deviceType], ['Siemens', 'S7-1500', '2.9.4', 'critical']);
});

test('S7 look-alikes: another maker’s S7-compatible CPU is not a Siemens model', () => {
  const identity = industrial.identify('127.151.5.1', [seen('s7', 102, { orderNumber: 'VIPA 315-4NE12', firmwareVersion: 'V3.7.5' })]);
  assert.equal(identity?.vendor, undefined);
});

test('Fox: Tridium and Honeywell brands, the Niagara release as the version', () => {
  const tridium = industrial.identify('127.151.5.1', [seen('fox', 1911, { brandId: 'vykon', appName: 'Station', appVersion: '4.10.1.36', complete: true })]);
  assert.deepEqual([tridium?.vendor, tridium?.firmwareVersion, tridium?.deviceType], ['Tridium', '4.10.1.36', 'critical']);
  const honeywell = industrial.identify('127.151.5.1', [seen('foxs', 4911, { brandId: 'webs', appVersion: '4.4.73.24', complete: true })]);
  assert.deepEqual([honeywell?.vendor, honeywell?.deviceType], ['Honeywell', 'critical']);
});

test('IEC 104 alone names nobody: a type hint makes no identity', () => {
  assert.equal(industrial.identify('127.151.5.1', [seen('iec104', 2404, { testConfirmed: true, unprompted: 0 })]), undefined);
});
