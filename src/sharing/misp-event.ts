/**
 * A share as a MISP event (the JSON MISP's "Add event from JSON" and its API take): one
 * Event, tagged with its TLP 2.0 label, with an Attribute per finding (full, masked) or per
 * count cell (aggregated). Only a full share's infected devices are `to_ids`: a masked
 * network is no indicator, and blocking a vulnerable subscriber cuts off the victim.
 */
import { uuidV5 } from '../notify/render/uuid.ts';
import type { AggregatedCell, SharedFinding } from './share-plan.ts';
import type { TlpLabel } from '../core/tlp.ts';
import { mispTlpTag } from './tlp.ts';

export interface MispAttribute {
  uuid: string;
  type: 'ip-src' | 'ip-dst';
  category: 'Network activity';
  value: string;
  to_ids: boolean;
  /** 5: inherit the event's distribution. */
  distribution: '5';
  comment: string;
  first_seen?: string;
  last_seen?: string;
  Tag: Array<{ name: string }>;
}

export interface MispEvent {
  Event: {
    uuid: string;
    info: string;
    date: string;
    /** 4: undefined threat level (MISP's scale is for attacks, these are exposures). */
    threat_level_id: '4';
    /** 2: analysis complete. */
    analysis: '2';
    distribution: '0' | '1' | '2' | '3';
    published: false;
    Tag: Array<{ name: string }>;
    Attribute: MispAttribute[];
  };
}

/** opennotice's namespace for MISP uuids (deterministic: the same share gives the same event). */
const mispNamespace = '5b0f3a1c-2d4e-4f6a-8b7c-9d0e1f2a3b4c';

/**
 * How far the recipient's MISP may sync the event, from its label: CLEAR to all communities,
 * GREEN to the recipient's community, AMBER and AMBER+STRICT to its own organisation only.
 */
const distributionOf: Record<Exclude<TlpLabel, 'RED'>, MispEvent['Event']['distribution']> = { CLEAR: '3', GREEN: '1', AMBER: '0', 'AMBER+STRICT': '0' };

export interface MispEventRequest {
  /** Seeds the uuids: recipient id, export time and label. */
  eventKey: string;
  info: string;
  generatedAt: string;
  tlp: Exclude<TlpLabel, 'RED'>;
  masked: boolean;
  findings: readonly SharedFinding[];
  cells: readonly AggregatedCell[];
}

/**
 * @example JSON.stringify(mispEvent({ eventKey: 'cert-a/2026-12-07/AMBER', info: 'opennotice share', generatedAt, tlp: 'AMBER', masked: true, findings, cells: [] }))
 */
export function mispEvent(request: MispEventRequest): MispEvent {
  const tag = [{ name: mispTlpTag(request.tlp) }];
  const uuid = (name: string) => uuidV5(mispNamespace, `${request.eventKey}/${name}`);
  const attributes: MispAttribute[] = request.findings.map(({ finding, tlp }) => ({
    uuid: uuid(`finding/${finding.id}`),
    type: finding.kind === 'infected' ? 'ip-src' : 'ip-dst',
    category: 'Network activity',
    value: finding.ip,
    to_ids: finding.kind === 'infected' && !request.masked,
    distribution: '5',
    comment: `${finding.kind}${finding.port ? ` ${finding.protocol}/${finding.port}` : ''}; status ${finding.status}${finding.attribution.asn !== undefined ? `; AS${finding.attribution.asn}` : ''}`,
    first_seen: finding.firstSeen,
    last_seen: finding.lastSeen,
    Tag: [{ name: mispTlpTag(tlp) }],
  }));
  for (const cell of request.cells)
    attributes.push({
      uuid: uuid(`cell/${cell.kind}/${cell.network}/${cell.asn ?? ''}`),
      type: cell.kind === 'infected' ? 'ip-src' : 'ip-dst',
      category: 'Network activity',
      value: cell.network,
      to_ids: false,
      distribution: '5',
      comment: `${cell.count} ${cell.kind} findings${cell.asn !== undefined ? ` in AS${cell.asn}` : ''}`,
      Tag: [{ name: mispTlpTag(cell.tlp) }],
    });
  return {
    Event: {
      uuid: uuid('event'),
      info: request.info,
      date: request.generatedAt.slice(0, 10),
      threat_level_id: '4',
      analysis: '2',
      distribution: distributionOf[request.tlp],
      published: false,
      Tag: tag,
      Attribute: attributes,
    },
  };
}
