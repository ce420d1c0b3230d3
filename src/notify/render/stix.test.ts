import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStixBundle, type StixObject } from './stix.ts';
import { darknetBot, honeypotBot, sampleReport, ssdpReflector, vulnerableFirmware } from '../../../test/support/notifiable-findings.ts';
import { uuidV5 } from './uuid.ts';

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const scoTypes = new Set(['ipv4-addr', 'ipv6-addr', 'network-traffic']);

/** Required properties per type (STIX 2.1 §3.2 common, plus each object's own). */
const required: Record<string, string[]> = {
  identity: ['name'],
  report: ['name', 'published', 'object_refs'],
  'observed-data': ['first_observed', 'last_observed', 'number_observed', 'object_refs'],
  note: ['content', 'object_refs'],
  vulnerability: ['name'],
  indicator: ['pattern', 'pattern_type', 'valid_from'],
  malware: ['is_family', 'name'],
  relationship: ['relationship_type', 'source_ref', 'target_ref'],
  'marking-definition': ['created', 'name', 'extensions'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'network-traffic': ['protocols'],
};

/** Every id a property names: *_ref and *_refs, at any depth. */
function references(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) references(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key.endsWith('_ref') && typeof item === 'string') found.push(item);
      else if (key.endsWith('_refs') && Array.isArray(item)) found.push(...(item as string[]));
      else references(item, found);
    }
  }
  return found;
}

test('uuidV5 matches the well-known DNS-namespace vector (python.org)', () => {
  assert.equal(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
});

test('every object has the properties STIX 2.1 requires, well-formed', () => {
  const bundle = renderStixBundle(sampleReport());
  assert.equal(bundle.type, 'bundle');
  assert.match(bundle.id, new RegExp(`^bundle--${uuid}$`));
  assert.ok(!('spec_version' in bundle), 'a 2.1 bundle has no spec_version');
  const seen = new Set<string>();
  for (const object of bundle.objects) {
    assert.match(object.id, new RegExp(`^${object.type}--${uuid}$`), object.id);
    assert.ok(!seen.has(object.id), `duplicate id ${object.id}`);
    seen.add(object.id);
    assert.equal(object.spec_version, '2.1', object.id);
    for (const property of required[object.type] ?? assert.fail(`unexpected type ${object.type}`))
      assert.ok(object[property] !== undefined, `${object.id} lacks ${property}`);
    if (!scoTypes.has(object.type) && object.type !== 'marking-definition') {
      assert.match(String(object.created), timestamp, `${object.id} created`);
      assert.match(String(object.modified), timestamp, `${object.id} modified`);
    }
    if (object.type === 'observed-data') {
      assert.match(String(object.first_observed), timestamp);
      assert.ok(String(object.first_observed) <= String(object.last_observed));
      assert.equal(object.number_observed, 1);
    }
    for (const refs of ['object_refs'] as const) if (refs in object) assert.ok((object[refs] as unknown[]).length > 0, `${object.id} has empty ${refs}`);
  }
  const types = new Set(bundle.objects.map((object) => object.type));
  for (const type of [
    'marking-definition',
    'identity',
    'report',
    'ipv4-addr',
    'ipv6-addr',
    'observed-data',
    'note',
    'vulnerability',
    'indicator',
    'malware',
    'relationship',
    'network-traffic',
  ])
    assert.ok(types.has(type), `no ${type}`);
});

test('every reference resolves inside the bundle, and the report lists every object', () => {
  const bundle = renderStixBundle(sampleReport());
  const ids = new Set(bundle.objects.map((object) => object.id));
  for (const object of bundle.objects) for (const ref of references(object)) assert.ok(ids.has(ref), `${object.id} → ${ref} does not resolve`);
  const report = bundle.objects.find((object) => object.type === 'report')!;
  const listed = new Set(report.object_refs as string[]);
  for (const object of bundle.objects) {
    if (['report', 'marking-definition', 'identity'].includes(object.type)) continue;
    assert.ok(listed.has(object.id), `report omits ${object.id}`);
  }
  assert.deepEqual(report.report_types, ['indicator', 'malware', 'observed-data', 'vulnerability']);
});

test('firmware findings point to CVE vulnerabilities; infected ones to an indicator that indicates the family', () => {
  const bundle = renderStixBundle(sampleReport([vulnerableFirmware, darknetBot, honeypotBot]));
  const byId = new Map(bundle.objects.map((object) => [object.id, object]));
  const ofType = (type: string) => bundle.objects.filter((object) => object.type === type);
  const vulnerabilities = ofType('vulnerability');
  assert.deepEqual(
    vulnerabilities.map((object) => object.name),
    ['CVE-2019-10999', 'CVE-2018-0001'],
  );
  assert.deepEqual((vulnerabilities[0]!.external_references as unknown[])[0], {
    source_name: 'cve',
    external_id: 'CVE-2019-10999',
    url: 'https://nvd.nist.gov/vuln/detail/CVE-2019-10999',
  });
  const relationships = ofType('relationship').map(
    (object) => `${byId.get(object.source_ref as string)!.type} ${object.relationship_type} ${(byId.get(object.target_ref as string) as StixObject).type}`,
  );
  assert.deepEqual(relationships.sort(), [
    'indicator based-on observed-data',
    'indicator based-on observed-data',
    'indicator indicates malware',
    'observed-data related-to vulnerability',
    'observed-data related-to vulnerability',
  ]);
  const [malware] = ofType('malware');
  assert.equal(malware!.name, 'Mirai');
  assert.equal(malware!.is_family, true);
  const patterns = ofType('indicator').map((object) => object.pattern);
  assert.deepEqual(patterns, ["[ipv4-addr:value = '198.51.100.20']", "[ipv6-addr:value = '2001:db8::20']"]);
  // TLP 2.0 (the STIX extension's published marking ids), AMBER unless the caller says otherwise.
  const tlp2 = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
  const marking = byId.get('marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421');
  assert.equal(marking?.name, 'TLP:AMBER', 'TLP:AMBER by default');
  assert.deepEqual(marking?.extensions, { [tlp2]: { extension_type: 'property-extension', tlp_2_0: 'amber' } });
  const strict = renderStixBundle(sampleReport(), { tlp: 'AMBER+STRICT' });
  const markings = strict.objects.filter((object) => object.type === 'marking-definition');
  assert.deepEqual(
    markings.map((object) => object.id),
    ['marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003'],
  );
  assert.ok(
    strict.objects
      .filter((object) => 'object_marking_refs' in object)
      .every((object) => JSON.stringify(object.object_marking_refs) === JSON.stringify([markings[0]!.id])),
  );
});

test('a reflector is observed traffic with its byte counts, never an indicator or a vulnerability', () => {
  const bundle = renderStixBundle(sampleReport([ssdpReflector]));
  const ofType = (type: string) => bundle.objects.filter((object) => object.type === type);
  assert.deepEqual(ofType('indicator'), [], 'its address attacks nobody: a platform must not block it');
  assert.deepEqual(ofType('vulnerability'), []);
  const [traffic] = ofType('network-traffic');
  const [address] = ofType('ipv4-addr');
  assert.equal(traffic!.dst_ref, address!.id);
  assert.equal(traffic!.dst_port, 1900);
  assert.deepEqual(traffic!.protocols, ['udp', 'ssdp']);
  assert.equal(traffic!.src_byte_count, 94);
  assert.equal(traffic!.dst_byte_count, 2860);
  assert.equal(traffic!.dst_packets, 9);
  const [observed] = ofType('observed-data');
  assert.deepEqual(observed!.object_refs, [address!.id, traffic!.id]);
  assert.deepEqual(observed!.labels, ['reflector', 'ssdp-amplifier']);
  const [note] = ofType('note');
  assert.match(String(note!.content), /A 94-byte M-SEARCH ssdp:all request was answered with 2860 bytes in 9 packets \(30\.43 times larger\)\./);
  const report = ofType('report')[0]!;
  assert.deepEqual(report.report_types, ['observed-data']);
  assert.equal(renderStixBundle(sampleReport([ssdpReflector])).objects.find((object) => object.type === 'network-traffic')!.id, traffic!.id);
});

test('ids are deterministic: the same report gives the same bundle, another report other ids', () => {
  const first = renderStixBundle(sampleReport());
  assert.deepEqual(renderStixBundle(sampleReport()), first);
  const other = renderStixBundle({ ...sampleReport(), reportId: 'r-43' });
  const idsOf = (type: string, bundle = first) => bundle.objects.filter((object) => object.type === type).map((object) => object.id);
  assert.notDeepEqual(idsOf('observed-data', other), idsOf('observed-data'));
  assert.deepEqual(idsOf('ipv4-addr', other), idsOf('ipv4-addr'), 'SCO ids depend only on the address (STIX §2.9)');
  assert.deepEqual(idsOf('identity', other), idsOf('identity'), 'one identity for every report of the program');
  const address = first.objects.find((object) => object.type === 'ipv4-addr' && object.value === '198.51.100.7')!;
  assert.equal(address.id, `ipv4-addr--${uuidV5('00abedb4-aa42-466c-9c01-fed23315a9b7', '{"value":"198.51.100.7"}')}`);
});

test('no secret evidence and no raw control characters reach the bundle', () => {
  const text = JSON.stringify(renderStixBundle(sampleReport()));
  assert.doesNotMatch(text, /admin-user-secret|root-typed-by-bot|wget|http:\/\/evil/);
  assert.doesNotMatch(text, /\\u001b|\\r|\\n/);
});
