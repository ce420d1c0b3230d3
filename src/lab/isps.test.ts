import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from '../core/errors.ts';
import { parseCidr } from '../scope/cidr.ts';
import { labIsps, labWebhookPlaceholder, type LabIsps } from './isps.ts';

interface Span {
  first: number;
  last: number;
  length: number;
}

function span(prefix: string): Span {
  const cidr = parseCidr(prefix);
  return { first: cidr.network, last: cidr.network + 2 ** (32 - cidr.prefixLength) - 1, length: cidr.prefixLength };
}

const inside = (inner: Span, outer: Span) => inner.first >= outer.first && inner.last <= outer.last;
const overlaps = (a: Span, b: Span) => a.first <= b.last && b.first <= a.last;

/** Who an address belongs to, the way attribution should decide: longest route, then a registry prefix, then the origin ASN. */
function ownerOf(lab: LabIsps, address: number): string {
  const covering = <T>(items: T[], prefixOf: (item: T) => string) =>
    items
      .filter((item) => inside({ first: address, last: address, length: 32 }, span(prefixOf(item))))
      .sort((a, b) => span(prefixOf(b)).length - span(prefixOf(a)).length)[0];
  const route = covering(lab.prefixes, (entry) => entry.prefix);
  if (!route) return 'unrouted';
  const byPrefix = lab.isps.find((isp) => isp.prefixes.some((prefix) => inside({ first: address, last: address, length: 32 }, span(prefix))));
  if (byPrefix) return byPrefix.id;
  return lab.isps.find((isp) => isp.asns.includes(route.asn))?.id ?? 'unregistered';
}

function checkLayout(cidr: string): void {
  const lab = labIsps(cidr);
  const network = span(cidr);
  const routes = lab.prefixes.map((entry) => span(entry.prefix));
  const unrouted = lab.unrouted.map(span);
  for (const block of [...routes, ...unrouted]) assert.ok(inside(block, network), `${cidr}: a block lies outside the lab network`);

  // Top-level routes plus the unrouted space tile the network exactly; the only other route is nested on purpose.
  const topLevel = routes.filter((route) => !routes.some((other) => other !== route && inside(route, other)));
  const nested = routes.filter((route) => !topLevel.includes(route));
  assert.equal(nested.length, 1, `${cidr}: exactly one deliberately nested route`);
  const tiles = [...topLevel, ...unrouted].sort((a, b) => a.first - b.first);
  assert.equal(tiles[0]!.first, network.first);
  assert.equal(tiles.at(-1)!.last, network.last);
  for (let index = 1; index < tiles.length; index++)
    assert.equal(tiles[index]!.first, tiles[index - 1]!.last + 1, `${cidr}: gap or overlap before tile ${index}`);
  for (const route of routes) for (const gap of unrouted) assert.ok(!overlaps(route, gap), `${cidr}: the unrouted space has a route`);

  // The registry's extra prefix sits inside another ISP's route: nesting on purpose, too.
  const extra = lab.isps.flatMap((isp) => isp.prefixes.map((prefix) => ({ isp, block: span(prefix) })));
  assert.equal(extra.length, 1);
  const holder = lab.prefixes.find((entry) => inside(extra[0]!.block, span(entry.prefix)))!;
  assert.ok(!extra[0]!.isp.asns.includes(holder.asn), 'the extra prefix is routed by another ISP (its upstream)');

  // Every kind of owner gets a share of the network: each ISP, the unregistered AS and the unrouted space.
  const owners = new Map<string, number>();
  const step = (network.last - network.first + 1) / 1024;
  for (let address = network.first; address <= network.last; address += step) owners.set(ownerOf(lab, address), (owners.get(ownerOf(lab, address)) ?? 0) + 1);
  assert.deepEqual([...owners.keys()].sort(), ['hikari-bb', 'kumo-mobile', 'minato-cable', 'sakura-net', 'unregistered', 'unrouted']);
  assert.ok(owners.get('sakura-net')! > owners.get('hikari-bb')! && owners.get('hikari-bb')! > owners.get('minato-cable')!, 'ISPs of different sizes');
}

test('the ISPs, the unregistered AS and the unrouted slice cover a /16 without overlap except the deliberate nesting', () => {
  checkLayout('127.77.0.0/16');
});

test('the layout scales to any /16 and down to a /24', () => {
  checkLayout('127.78.0.0/16');
  checkLayout('127.90.4.0/22');
  checkLayout('127.91.7.0/24');
  assert.equal(labIsps('127.78.0.0/16').prefixes[0]!.prefix, '127.78.0.0/17');
  assert.deepEqual(labIsps('127.91.7.0/24').unrouted, ['127.91.7.240/28']);
});

test('the layout is the same every time (deterministic)', () => {
  assert.deepEqual(labIsps('127.77.0.0/16'), labIsps('127.77.0.0/16'));
});

test('ISP records are valid: unique ids and ASNs, documentation ASNs, contacts and varied preferences', () => {
  const { isps, prefixes, unregisteredAsns } = labIsps();
  const ids = isps.map((isp) => isp.id);
  assert.equal(new Set(ids).size, ids.length);
  const asns = isps.flatMap((isp) => isp.asns);
  assert.equal(new Set(asns).size, asns.length, 'an ASN belongs to one ISP');
  const documentation = (asn: number) => (asn >= 64496 && asn <= 64511) || (asn >= 65536 && asn <= 65551);
  for (const asn of [...asns, ...prefixes.map((entry) => entry.asn)]) assert.ok(documentation(asn), `AS${asn} is not a documentation ASN`);
  for (const asn of unregisteredAsns) {
    assert.ok(!asns.includes(asn), 'the unregistered AS is in no ISP record');
    assert.ok(
      prefixes.some((entry) => entry.asn === asn),
      'the unregistered AS routes part of the lab',
    );
  }
  for (const isp of isps) {
    assert.match(isp.id, /^[a-z0-9-]+$/);
    assert.ok(isp.name.length > 0);
    assert.ok(isp.asns.length > 0 && isp.asns.every((asn) => prefixes.some((entry) => entry.asn === asn)), `${isp.id}: every ASN routes something`);
    assert.equal(isp.contacts.abuseEmail, `abuse@${isp.id}.example`);
    assert.ok((isp.contacts.portalUsers ?? []).length > 0 && isp.contacts.portalUsers!.every((user) => user.endsWith(`@${isp.id}.example`)));
    assert.ok(['csv', 'json', 'stix'].includes(isp.preferences.format));
    assert.ok(['daily', 'weekly', 'monthly'].includes(isp.preferences.cadence));
    assert.ok(['ja', 'en'].includes(isp.preferences.language));
    for (const prefix of isp.prefixes) assert.ok(parseCidr(prefix));
  }
  assert.equal(isps.find((isp) => isp.id === 'sakura-net')!.asns.length, 2, 'the big ISP has two ASNs');
  assert.deepEqual(
    isps.filter((isp) => isp.managesCustomerDevices).map((isp) => isp.id),
    ['minato-cable'],
  );
  assert.deepEqual(new Set(isps.map((isp) => isp.preferences.format)), new Set(['csv', 'json', 'stix']));
  assert.deepEqual(new Set(isps.map((isp) => isp.preferences.language)), new Set(['ja', 'en']));
  assert.deepEqual(new Set(isps.map((isp) => isp.preferences.cadence)), new Set(['daily', 'weekly']));
  assert.deepEqual(
    isps.filter((isp) => isp.contacts.webhookUrl).map((isp) => isp.contacts.webhookUrl),
    [labWebhookPlaceholder],
  );
});

test('the caller fills in the webhook receiver; only loopback is accepted', () => {
  const filled = labIsps('127.77.0.0/16', { webhookUrl: 'http://127.0.0.1:40123/hook' });
  assert.deepEqual(
    filled.isps.filter((isp) => isp.contacts.webhookUrl).map((isp) => isp.contacts.webhookUrl),
    ['http://127.0.0.1:40123/hook'],
  );
  assert.ok(labIsps('127.77.0.0/16', { webhookUrl: 'http://[::1]:8080/hook' }));
  for (const url of ['http://192.0.2.10/hook', 'http://10.0.0.1/hook', 'ftp://127.0.0.1/hook', 'not a url']) {
    assert.throws(
      () => labIsps('127.77.0.0/16', { webhookUrl: url }),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'USAGE',
      url,
    );
  }
});

test('a lab network that is not loopback, or too small for the layout, is refused', () => {
  for (const cidr of ['10.77.0.0/16', '127.77.0.0/25', '127.77.0.0/8']) {
    assert.throws(
      () => labIsps(cidr),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'USAGE',
      cidr,
    );
  }
});
