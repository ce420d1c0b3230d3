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

export type TlpLevel = 'white' | 'green' | 'amber' | 'red';

/** STIX 2.1 §2.9: the namespace of deterministic SCO ids. */
const scoNamespace = '00abedb4-aa42-466c-9c01-fed23315a9b7';
/** opennotice's namespace for the ids of its own objects. */
const opennoticeNamespace = '1f0c6d2e-8a4b-4f57-9c3d-6e2b7a9d4c51';

/** The TLP 1.0 marking definitions as predefined by the STIX 2.1 specification (§7.2.1.4). */
const tlpMarkings: Record<TlpLevel, string> = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
};

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
export function renderStixBundle(report: NotificationReport, options: { tlp?: TlpLevel } = {}): StixBundle {
  const program = programOf(report);
  const tlp = options.tlp ?? 'amber';
  const created = isoTime(report.generatedAt) ?? new Date(0).toISOString();
  const idFor = (type: string, name: string) => `${type}--${uuidV5(opennoticeNamespace, `${report.reportId}/${name}`)}`;
  const marking: StixObject = {
    type: 'marking-definition',
    spec_version: '2.1',
    id: tlpMarkings[tlp],
    created: '2017-01-20T00:00:00.000Z',
    definition_type: 'tlp',
    name: `TLP:${tlp.toUpperCase()}`,
    definition: { tlp },
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
