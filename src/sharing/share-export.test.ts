import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createShareDataGenerator, type GeneratedAddress } from '../../test/support/random-share-data.ts';
import { OpenNoticeError } from '../core/errors.ts';
import type { SharingRecipient } from './recipient.ts';
import { renderShare, writeShare } from './share-export.ts';
import { planShare } from './share-plan.ts';

const generatedAt = '2026-12-07T00:00:00.000Z';

/**
 * Where a full address form stands alone in `text` (lower case): not part of a longer number
 * or hex run, and not a network ("192.0.2.0/24" names a network, not a subscriber).
 * Written apart from leak-guard.ts so a bug there cannot hide itself.
 */
function leaks(text: string, addresses: readonly GeneratedAddress[]): string[] {
  const lower = text.toLowerCase();
  const found: string[] = [];
  for (const address of addresses)
    for (const form of address.forms) {
      let at = lower.indexOf(form);
      while (at >= 0) {
        const before = lower.slice(Math.max(0, at - 2), at);
        const after = lower.slice(at + form.length, at + form.length + 2);
        const continuesBefore = form.includes(':') ? /[0-9a-f:]$/.test(before) : /[0-9]$|[0-9][.-]$/.test(before);
        const continuesAfter = form.includes(':') ? /^[0-9a-f:/]/.test(after) : /^[0-9/]|^[.-][0-9]/.test(after);
        if (!continuesBefore && !continuesAfter) found.push(`${address.ip} as "${form}"`);
        at = lower.indexOf(form, at + 1);
      }
    }
  return found;
}

for (const policy of ['masked', 'aggregated'] as const) {
  test(`property: an export under the ${policy} policy never holds a full subscriber address, a TLP:RED item, or a cell under k`, { timeout: 120_000 }, () => {
    const generator = createShareDataGenerator(policy === 'masked' ? 1601 : 1602);
    let filesChecked = 0;
    let cellsSeen = 0;
    for (let round = 0; round < 1500; round++) {
      const { findings, addresses } = generator.dataset();
      const recipient = generator.recipient(policy);
      const plan = planShare(findings, recipient);
      const files = renderShare({ plan, generatedAt });
      for (const file of files) {
        filesChecked++;
        const found = leaks(file.text, addresses);
        assert.deepEqual(found, [], `round ${round}, ${file.name}: ${found.join(', ')}`);
        assert.notEqual(file.tlp, 'RED');
        assert.doesNotMatch(file.text, /tlp:red|"red"|tlp_2_0": "red/i, `round ${round}, ${file.name}`);
        if (file.format === 'counts-json') {
          const cells = (JSON.parse(file.text) as { cells: Array<{ count: number }> }).cells;
          cellsSeen += cells.length;
          for (const cell of cells) assert.ok(cell.count >= recipient.kAnonymity, `round ${round}: a cell of ${cell.count} under k=${recipient.kAnonymity}`);
        }
        if (file.format === 'misp' && policy === 'aggregated')
          for (const attribute of (JSON.parse(file.text) as { Event: { Attribute: Array<{ comment: string }> } }).Event.Attribute)
            assert.ok(Number(attribute.comment.split(' ')[0]) >= recipient.kAnonymity, `round ${round}: ${attribute.comment}`);
      }
      // Nothing a source or the recipient's rules marked RED is in the plan.
      for (const shared of plan.findings) assert.notEqual(shared.tlp, 'RED');
    }
    // The generator must have produced real work, or the property proves nothing.
    assert.ok(filesChecked > 1000, `only ${filesChecked} files`);
    if (policy === 'aggregated') assert.ok(cellsSeen > 100, `only ${cellsSeen} cells`);
  });
}

test('a full export keeps addresses and labels each file and attribute with its TLP', () => {
  const generator = createShareDataGenerator(7);
  const { findings } = generator.dataset();
  const recipient: SharingRecipient = { ...generator.recipient('full'), tlp: 'GREEN', tlpByKind: {} };
  const clean = findings.map((finding) => ({ ...finding, evidence: { ...finding.evidence, tlp: undefined } }));
  const files = renderShare({ plan: planShare(clean, recipient), generatedAt });
  const misp = files.find((file) => file.format === 'misp')!;
  const event = JSON.parse(misp.text) as {
    Event: { Tag: Array<{ name: string }>; distribution: string; Attribute: Array<{ value: string; to_ids: boolean; Tag: Array<{ name: string }> }> };
  };
  assert.deepEqual(event.Event.Tag, [{ name: 'tlp:green' }]);
  assert.equal(event.Event.distribution, '1');
  assert.deepEqual(new Set(event.Event.Attribute.map((attribute) => attribute.value)), new Set(clean.map((finding) => finding.ip)));
  assert.ok(event.Event.Attribute.every((attribute) => attribute.Tag[0]!.name === 'tlp:green'));
  const stix = JSON.parse(files.find((file) => file.format === 'stix')!.text) as {
    objects: Array<{ type: string; id: string; name?: string; object_marking_refs?: string[] }>;
  };
  const marking = stix.objects.find((object) => object.type === 'marking-definition')!;
  assert.equal(marking.name, 'TLP:GREEN');
  assert.ok(stix.objects.filter((object) => object.object_marking_refs).every((object) => object.object_marking_refs![0] === marking.id));
  const intelmq = files
    .find((file) => file.format === 'intelmq')!
    .text.trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(intelmq.every((line) => line.tlp === 'GREEN' && line['extra.tlp'] === 'GREEN' && typeof line['source.ip'] === 'string'));
});

test('a masked IntelMQ event carries the network in source.network, not source.ip', () => {
  const generator = createShareDataGenerator(11);
  const recipient: SharingRecipient = { ...generator.recipient('masked'), maskIPv4: 24, maskIPv6: 48, tlp: 'AMBER', tlpByKind: {} };
  const finding = { ...generator.dataset().findings[0]!, ip: '192.0.2.77', evidence: {} };
  const file = renderShare({ plan: planShare([finding], recipient), generatedAt }).find((candidate) => candidate.format === 'intelmq')!;
  const event = JSON.parse(file.text) as Record<string, unknown>;
  assert.equal(event['source.network'], '192.0.2.0/24');
  assert.equal(event['source.ip'], undefined);
  assert.equal(event.tlp, 'AMBER');
  const strict = renderShare({ plan: planShare([finding], { ...recipient, tlp: 'AMBER+STRICT' }), generatedAt }).find(
    (candidate) => candidate.format === 'intelmq',
  )!;
  const strictEvent = JSON.parse(strict.text) as Record<string, unknown>;
  assert.equal(strictEvent['extra.tlp'], 'AMBER+STRICT');
  assert.equal(strictEvent.tlp, undefined, 'no TLP 1.0 keyword loosens AMBER+STRICT');
});

test('the writers refuse a TLP:RED item and a leaked address even when the plan lets them through', () => {
  const generator = createShareDataGenerator(3);
  const finding = { ...generator.dataset().findings[0]!, ip: '192.0.2.77', evidence: {} };
  const recipient: SharingRecipient = { ...generator.recipient('masked'), tlp: 'AMBER', tlpByKind: {} };
  const plan = planShare([finding], recipient);
  // A plan tampered with after selection: the label check at the writer still holds.
  const red = { ...plan, findings: plan.findings.map((shared) => ({ ...shared, tlp: 'RED' as const })) };
  assert.throws(
    () => renderShare({ plan: red, generatedAt }),
    (error) => error instanceof OpenNoticeError && error.code === 'SHARING_REFUSED',
  );
  // A masked plan whose finding kept its address: the leak guard stops it.
  const unmasked = { ...plan, findings: [{ tlp: 'AMBER' as const, finding }] };
  assert.throws(
    () => renderShare({ plan: unmasked, generatedAt }),
    (error) => error instanceof OpenNoticeError && error.code === 'SHARING_REFUSED',
  );
  const files = renderShare({ plan, generatedAt });
  const directory = mkdtempSync(join(tmpdir(), 'on-sharing-'));
  try {
    assert.throws(
      () => writeShare([{ ...files[0]!, tlp: 'RED' }], plan, directory),
      (error) => error instanceof OpenNoticeError && error.code === 'SHARING_REFUSED',
    );
    assert.deepEqual(readdirSync(directory), [], 'nothing is written when one file is refused');
    const written = writeShare(files, plan, directory);
    const manifest = JSON.parse(readFileSync(join(directory, written.at(-1)!), 'utf8')) as { files: Array<{ tlp: string }> };
    assert.ok(manifest.files.length === files.length && manifest.files.every((file) => file.tlp === 'TLP:AMBER'));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('property: under every policy, exactly the findings not labelled RED (by source, kind rule or an unreadable label) are shared', {
  timeout: 120_000,
}, () => {
  const generator = createShareDataGenerator(1603);
  const readable = new Set(['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'TLP:AMBER+STRICT']);
  for (let round = 0; round < 1000; round++) {
    const { findings } = generator.dataset();
    const recipient = generator.recipient(round % 2 === 0 ? 'full' : 'masked');
    // Written from the rules in docs/sharing.md, not from share-plan.ts.
    const isRed = (finding: (typeof findings)[number]) => {
      const label = finding.evidence.tlp;
      const fromSource = typeof label === 'string' ? label.toUpperCase() : undefined;
      return recipient.tlpByKind[finding.kind] === 'RED' || (fromSource !== undefined && !readable.has(fromSource));
    };
    const expected = findings.filter((finding) => !isRed(finding)).map((finding) => finding.id);
    const files = renderShare({ plan: planShare(findings, recipient), generatedAt });
    const misp = files.filter((file) => file.format === 'misp');
    const shared = misp.flatMap((file) => (JSON.parse(file.text) as { Event: { Attribute: Array<{ comment: string }> } }).Event.Attribute).length;
    assert.equal(shared, expected.length, `round ${round}`);
    for (const file of files) {
      assert.notEqual(file.tlp, 'RED');
      assert.doesNotMatch(file.text, /tlp:red|"red"|"RED"/i, `round ${round}, ${file.name}`);
    }
  }
});
