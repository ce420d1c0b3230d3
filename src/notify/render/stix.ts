/**
 * The report as a STIX 2.1 bundle, for CERTs and ISPs that feed a threat-intelligence
 * platform (OpenCTI, MISP …). Every finding becomes an `observed-data` of its address
 * (an ipv4-addr/ipv6-addr SCO) with a `note` that says what was found; firmware findings
 * point to `vulnerability` objects (CVE references), infected ones get an `indicator`
 * that `indicates` the botnet's `malware` family. One `report` object lists everything.
 *
 * Ids are deterministic: SCOs use STIX's own UUIDv5 rule (so they merge with everyone
 * else's), all other objects a UUIDv5 of the report id and the finding id (or CVE,
 * family), so rendering the same report twice gives the same bundle.
 */
import { findingKind } from '../../core/finding-kinds.ts';
import type { TlpLabel } from '../../core/tlp.ts';
import { infectionFacts } from './evidence.ts';
import { isoTime, sortFindings, viewOf, type FindingView } from './finding-view.ts';
import { programOf, type NotificationReport } from './report.ts';
import { amplificationText } from './shadowserver-csv.ts';
import { singleLine } from './text.ts';
import { uuidV5 } from './uuid.ts';

export type StixObject = Record<string, unknown> & { type: string; id: string };
export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

/** STIX 2.1 §2.9: the namespace of deterministic SCO ids. */
const scoNamespace = '00abedb4-aa42-466c-9c01-fed23315a9b7';
/** opennotice's namespace for the ids of its own objects. */
const opennoticeNamespace = '1f0c6d2e-8a4b-4f57-9c3d-6e2b7a9d4c51';

/**
 * The TLP 2.0 marking definitions of the STIX 2.1 TLP 2.0 extension, with their published ids
 * (the same ids OASIS CACAO gives its TLPv2 markings), so that platforms that know TLP 2.0
 * (OpenCTI, MISP) recognise them without a lookup.
 */
const tlp2MarkingIds: Record<TlpLabel, string> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};
/** The extension definition that carries a TLP 2.0 label on a marking definition. */
const tlp2Extension = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** Family names as people write them; others are capitalised. */
const familyNames: Record<string, string> = { mirai: 'Mirai', gafgyt: 'Gafgyt', mozi: 'Mozi', hajime: 'Hajime' };

/** A deterministic SCO id: UUIDv5 of the canonical JSON of its id-contributing property. */
function addressObject(ip: string): StixObject {
  const type = ip.includes(':') ? 'ipv6-addr' : 'ipv4-addr';
  return { type, spec_version: '2.1', id: `${type}--${uuidV5(scoNamespace, JSON.stringify({ value: ip }))}`, value: ip };
}

/** "A 94-byte M-SEARCH ssdp:all request was answered with 2860 bytes in 9 packets (30.43 times larger)." */
function reflectionSentence(view: FindingView): string {
  const reflection = view.reflection!;
  if (reflection.requestBytes === undefined || reflection.replyBytes === undefined) return '';
  const request = reflection.request ? ` ${reflection.request}` : '';
  const packets = reflection.replyPackets !== undefined ? ` in ${reflection.replyPackets} packets` : '';
  const factor = reflection.amplification !== undefined ? ` (${amplificationText(reflection.amplification)} times larger)` : '';
  return `A ${reflection.requestBytes}-byte${request} request was answered with ${reflection.replyBytes} bytes${packets}${factor}.`;
}

function describe(view: FindingView): string {
  const { finding } = view;
  const service = view.application ? ` on ${view.application}${view.port ? ` (port ${view.port})` : ''}` : '';
  const device = [view.vendor, view.model].filter(Boolean).join(' ');
  const parts = [
    `The device at ${finding.ip} ${findingKind(finding.kind)?.description ?? 'has a security problem'}${service}.`,
    device
      ? `Device: ${device}${finding.deviceType ? ` (${finding.deviceType})` : ''}${view.firmwareVersion ? `, firmware ${view.firmwareVersion}` : ''}.`
      : '',
    view.cves.length
      ? `Vulnerabilities: ${view.cves.map((cve) => cve.cveId).join(', ')}${view.cvss !== undefined ? ` (highest CVSS ${view.cvss.toFixed(1)})` : ''}${view.kev ? '; listed in CISA KEV' : ''}.`
      : '',
    view.reflection ? reflectionSentence(view) : '',
    finding.kind === 'infected'
      ? `Observed by ${infectionFacts(finding).source}${view.family ? `; family ${familyNames[view.family] ?? view.family}` : ''}.`
      : '',
    `First seen ${finding.firstSeen}, last seen ${finding.lastSeen}; status ${finding.status}; severity ${view.severity}.`,
  ];
  return parts.filter(Boolean).join(' ');
}

/**
 * A reflector's measured exchange as a network-traffic SCO: our request to the device's UDP
 * port and what it sent back (UDP payload bytes, as the amplification is computed). A
 * reflector is a misconfigured service, not malware and not a CVE: it gets no indicator
 * (its address attacks nobody; a platform that blocked it would cut off the subscriber, not
 * the attacker who spoofs the victim's address) and no vulnerability object, only what was
 * observed. The id follows STIX's SCO rule over its id-contributing properties; `start` (the
 * measurement) keeps two measurements of one service apart.
 */
function reflectionTraffic(view: FindingView, address: string, measuredAt: string): StixObject {
  const reflection = view.reflection!;
  const protocols = ['udp', ...(view.application ? [view.application] : [])];
  // Canonical JSON (RFC 8785) of the id-contributing properties: keys in sorted order.
  const contributing = { dst_port: view.port, dst_ref: address, protocols, start: measuredAt };
  const counts = (key: string, value: number | undefined) => (value === undefined ? {} : { [key]: Math.round(value) });
  return {
    type: 'network-traffic',
    spec_version: '2.1',
    id: `network-traffic--${uuidV5(scoNamespace, JSON.stringify(contributing))}`,
    start: measuredAt,
    dst_ref: address,
    ...(view.port !== undefined ? { dst_port: view.port } : {}),
    protocols,
    ...counts('src_byte_count', reflection.requestBytes),
    ...(reflection.requestBytes !== undefined ? { src_packets: 1 } : {}),
    ...counts('dst_byte_count', reflection.replyBytes),
    ...counts('dst_packets', reflection.replyPackets),
  };
}

/** Escape a value for a STIX pattern string literal. */
const patternString = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * @example const bundle = renderStixBundle(report); JSON.stringify(bundle)
 */
export function renderStixBundle(report: NotificationReport, options: { tlp?: TlpLabel } = {}): StixBundle {
  const program = programOf(report);
  const tlp = options.tlp ?? 'AMBER';
  const created = isoTime(report.generatedAt) ?? new Date(0).toISOString();
  const idFor = (type: string, name: string) => `${type}--${uuidV5(opennoticeNamespace, `${report.reportId}/${name}`)}`;
  const marking: StixObject = {
    type: 'marking-definition',
    spec_version: '2.1',
    id: tlp2MarkingIds[tlp],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${tlp}`,
    extensions: { [tlp2Extension]: { extension_type: 'property-extension', tlp_2_0: tlp.toLowerCase() } },
  };
  // The identity does not depend on the report: every report is "created by" the same program.
  const identitySince = isoTime(program.since) ?? new Date(0).toISOString();
  const identity: StixObject = {
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${uuidV5(opennoticeNamespace, `identity/${program.name}`)}`,
    created: identitySince,
    modified: identitySince,
    name: singleLine(program.name),
    identity_class: 'organization',
    ...(program.url ? { description: `IoT security survey and notification program (${program.url})` } : {}),
  };
  const common = { spec_version: '2.1', created, modified: created, created_by_ref: identity.id, object_marking_refs: [marking.id] };

  const objects: StixObject[] = [];
  const known = new Set<string>();
  const add = (object: StixObject) => {
    if (known.has(object.id)) return object.id;
    known.add(object.id);
    objects.push(object);
    return object.id;
  };
  const relate = (source: string, type: string, target: string) =>
    add({
      type: 'relationship',
      ...common,
      id: idFor('relationship', `${source}/${type}/${target}`),
      relationship_type: type,
      source_ref: source,
      target_ref: target,
    });
  const reportTypes = new Set<string>(['observed-data']);

  for (const finding of sortFindings(report.findings)) {
    const view = viewOf(finding, program);
    const address = add({ ...addressObject(finding.ip), object_marking_refs: [marking.id] });
    const firstSeen = isoTime(finding.firstSeen) ?? created;
    const lastSeen = isoTime(finding.lastSeen) ?? created;
    const traffic = view.reflection ? add({ ...reflectionTraffic(view, address, lastSeen), object_marking_refs: [marking.id] }) : undefined;
    const observed = add({
      type: 'observed-data',
      ...common,
      id: idFor('observed-data', `finding/${finding.id}`),
      first_observed: firstSeen < lastSeen ? firstSeen : lastSeen,
      last_observed: lastSeen > firstSeen ? lastSeen : firstSeen,
      number_observed: 1,
      object_refs: traffic ? [address, traffic] : [address],
      labels: [finding.kind, ...view.tags],
      ...(view.confidence !== undefined ? { confidence: Math.round(view.confidence * 100) } : {}),
    });
    const related: string[] = [];
    for (const cve of view.cves) {
      reportTypes.add('vulnerability');
      const vulnerability = add({
        type: 'vulnerability',
        ...common,
        id: idFor('vulnerability', cve.cveId),
        name: cve.cveId,
        external_references: [{ source_name: 'cve', external_id: cve.cveId, url: `https://nvd.nist.gov/vuln/detail/${cve.cveId}` }],
      });
      relate(observed, 'related-to', vulnerability);
      related.push(vulnerability);
    }
    if (finding.kind === 'infected') {
      reportTypes.add('indicator');
      const indicator = add({
        type: 'indicator',
        ...common,
        id: idFor('indicator', `finding/${finding.id}`),
        name: `Infected IoT device ${finding.ip}`,
        indicator_types: ['compromised'],
        pattern: `[${addressObject(finding.ip).type}:value = ${patternString(finding.ip)}]`,
        pattern_type: 'stix',
        pattern_version: '2.1',
        valid_from: firstSeen,
        ...(view.confidence !== undefined ? { confidence: Math.round(view.confidence * 100) } : {}),
      });
      relate(indicator, 'based-on', observed);
      related.push(indicator);
      if (view.family) {
        reportTypes.add('malware');
        const malware = add({
          type: 'malware',
          ...common,
          id: idFor('malware', `family/${view.family}`),
          name: familyNames[view.family] ?? view.family.charAt(0).toUpperCase() + view.family.slice(1),
          is_family: true,
          malware_types: ['bot'],
        });
        relate(indicator, 'indicates', malware);
        related.push(malware);
      }
    }
    add({
      type: 'note',
      ...common,
      id: idFor('note', `finding/${finding.id}`),
      abstract: `${finding.kind}: ${finding.ip}${view.port ? `:${view.port}` : ''}`,
      content: describe(view),
      object_refs: [observed, address, ...(traffic ? [traffic] : []), ...related],
    });
  }

  const reportObject: StixObject = {
    type: 'report',
    ...common,
    id: idFor('report', 'report'),
    name: singleLine(`${program.name} IoT security report ${report.reportId} for ${report.isp.name}`),
    description: `${report.findings.length} findings in the network of ${singleLine(report.isp.name)}, period ending ${report.periodEnd}.`,
    report_types: [...reportTypes].sort(),
    published: created,
    object_refs: objects.length > 0 ? objects.map((object) => object.id) : [identity.id],
  };
  return { type: 'bundle', id: idFor('bundle', 'bundle'), objects: [marking, identity, reportObject, ...objects] };
}
