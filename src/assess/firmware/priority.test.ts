import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notificationPriority, primaryScore, severityOf } from './priority.ts';
import type { CvssScore, KevEntry } from './types.ts';

const kev: KevEntry = {
  cveId: 'CVE-2014-100005',
  vendorProject: 'D-Link',
  product: 'DIR-600',
  vulnerabilityName: 'x',
  dateAdded: '2023-05-01',
  knownRansomwareCampaignUse: 'Unknown',
};

test('the primary score prefers CVSS 3.1, then NVD primary, then the higher score', () => {
  const scores: CvssScore[] = [
    { version: '2.0', baseScore: 10, severity: 'HIGH', vector: 'AV:N', source: 'nvd@nist.gov', type: 'Primary' },
    { version: '3.1', baseScore: 5.3, severity: 'MEDIUM', vector: 'CVSS:3.1/…', source: 'nvd@nist.gov', type: 'Primary' },
    { version: '3.1', baseScore: 9.8, severity: 'CRITICAL', vector: 'CVSS:3.1/…', source: 'cna@vuldb.com', type: 'Secondary' },
  ];
  assert.equal(primaryScore(scores)?.baseScore, 5.3);
  assert.equal(primaryScore(scores.slice(0, 1))?.version, '2.0');
  assert.equal(primaryScore([]), undefined);
});

test('priority: KEV and severity dominate, installed base lifts, labels follow the bands', () => {
  assert.equal(notificationPriority({ baseScore: 9.8 }, kev, 1).label, 'urgent');
  assert.equal(notificationPriority({ baseScore: 9.8 }, undefined, 1).label, 'high');
  assert.equal(notificationPriority({ baseScore: 5.0 }, undefined, 1).label, 'medium');
  assert.equal(notificationPriority({ baseScore: 2.0 }, undefined, 0).label, 'low');
  const few = notificationPriority({ baseScore: 7.5 }, undefined, 2).score;
  const many = notificationPriority({ baseScore: 7.5 }, undefined, 500).score;
  assert.ok(many > few);
  const ransomware = notificationPriority({ baseScore: 7.5 }, { ...kev, knownRansomwareCampaignUse: 'Known' }, 2);
  assert.ok(ransomware.reasons.includes('known ransomware use'));
  assert.ok(notificationPriority(undefined, undefined, 3).reasons[0]!.includes('assumed'));
});

test('severity bands match CVSS 3.x', () => {
  assert.deepEqual([0, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(severityOf), ['NONE', 'LOW', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH', 'CRITICAL', 'CRITICAL']);
});
