/**
 * Where in a v9/IPFIX data record each value a flow needs sits: a layout of (offset, length,
 * scale) per role, relative to the record's start. A template without variable-length fields
 * has one layout for all its records, computed once when the template is learnt, so reading a
 * record is a dozen reads at known offsets instead of a walk over the field list. Records of
 * a template with variable-length fields get their layout per record (the same rules, applied
 * while walking).
 *
 * The rules, which decide what a template with repeated or competing fields means: an address
 * counts only with its family's length (4 or 16) and the last one wins; ports, protocol,
 * flags, uptimes and absolute times (seconds or milliseconds alike): the last one wins; the
 * byte and packet counts take the last delta count, else the first total count.
 */
import type { TemplateField } from './template-cache.ts';

/** The information elements read (IANA IPFIX registry numbers, the same as NetFlow v9's field types). */
export const element = {
  octetDeltaCount: 1,
  packetDeltaCount: 2,
  protocolIdentifier: 4,
  tcpControlBits: 6,
  sourceTransportPort: 7,
  sourceIPv4Address: 8,
  destinationTransportPort: 11,
  destinationIPv4Address: 12,
  flowEndSysUpTime: 21,
  flowStartSysUpTime: 22,
  sourceIPv6Address: 27,
  destinationIPv6Address: 28,
  octetTotalCount: 85,
  packetTotalCount: 86,
  flowStartSeconds: 150,
  flowEndSeconds: 151,
  flowStartMilliseconds: 152,
  flowEndMilliseconds: 153,
  systemInitTimeMilliseconds: 160,
} as const;

/** A field length that means "the record says" (IPFIX, RFC 7011 §7). */
export const VARIABLE_LENGTH = 65535;

/** The roles a layout places; each has three slots: offset (−1 when absent), length, scale. */
export const role = {
  source: 0,
  destination: 1,
  sourcePort: 2,
  destinationPort: 3,
  protocol: 4,
  tcpFlags: 5,
  octets: 6,
  packets: 7,
  startUptime: 8,
  endUptime: 9,
  /** flowStartSeconds (scale 1000) or flowStartMilliseconds (scale 1). */
  startAbsolute: 10,
  endAbsolute: 11,
  bootTime: 12,
} as const;

const roleCount = 13;
export const SLOTS_PER_ROLE = 3;

/** A fresh layout with every role absent. */
export function emptyLayout(): Int32Array {
  const layout = new Int32Array(roleCount * SLOTS_PER_ROLE);
  clearLayout(layout);
  return layout;
}

export function clearLayout(layout: Int32Array): void {
  for (let slot = 0; slot < layout.length; slot += SLOTS_PER_ROLE) layout[slot] = -1;
}

function place(layout: Int32Array, which: number, offset: number, length: number, scale = 1): void {
  const slot = which * SLOTS_PER_ROLE;
  layout[slot] = offset;
  layout[slot + 1] = length;
  layout[slot + 2] = scale;
}

/**
 * How each element read is placed: its role, the value's scale to milliseconds, the one length
 * it counts with (addresses: 4 or 16 by family), and whether it only fills a role still empty
 * (a total count never overrides a delta count, whichever comes first in the template).
 */
interface Placement {
  role: number;
  scale?: number;
  onlyLength?: number;
  onlyIfEmpty?: boolean;
}

const placements: ReadonlyMap<number, Placement> = new Map([
  [element.sourceIPv4Address, { role: role.source, onlyLength: 4 }],
  [element.sourceIPv6Address, { role: role.source, onlyLength: 16 }],
  [element.destinationIPv4Address, { role: role.destination, onlyLength: 4 }],
  [element.destinationIPv6Address, { role: role.destination, onlyLength: 16 }],
  [element.sourceTransportPort, { role: role.sourcePort }],
  [element.destinationTransportPort, { role: role.destinationPort }],
  [element.protocolIdentifier, { role: role.protocol }],
  [element.tcpControlBits, { role: role.tcpFlags }],
  [element.octetDeltaCount, { role: role.octets }],
  [element.octetTotalCount, { role: role.octets, onlyIfEmpty: true }],
  [element.packetDeltaCount, { role: role.packets }],
  [element.packetTotalCount, { role: role.packets, onlyIfEmpty: true }],
  [element.flowStartSysUpTime, { role: role.startUptime }],
  [element.flowEndSysUpTime, { role: role.endUptime }],
  [element.flowStartSeconds, { role: role.startAbsolute, scale: 1000 }],
  [element.flowEndSeconds, { role: role.endAbsolute, scale: 1000 }],
  [element.flowStartMilliseconds, { role: role.startAbsolute }],
  [element.flowEndMilliseconds, { role: role.endAbsolute }],
  [element.systemInitTimeMilliseconds, { role: role.bootTime }],
]);

/** Records where `field`, found at `offset` with value length `length`, goes in the layout (by the rules above). */
export function placeField(layout: Int32Array, field: TemplateField, offset: number, length: number): void {
  if (field.enterprise !== undefined) return;
  const placement = placements.get(field.id);
  if (placement === undefined) return;
  if (placement.onlyLength !== undefined && length !== placement.onlyLength) return;
  if (placement.onlyIfEmpty && layout[placement.role * SLOTS_PER_ROLE]! >= 0) return;
  place(layout, placement.role, offset, length, placement.scale);
}

/**
 * The layout shared by every record of a template without variable-length fields; undefined
 * when the template has one (its records are laid out one by one).
 * @example fixedLayout([{ id: 8, length: 4 }, { id: 12, length: 4 }]) // source at 0, destination at 4
 */
export function fixedLayout(fields: readonly TemplateField[]): Int32Array | undefined {
  const layout = emptyLayout();
  let offset = 0;
  for (const field of fields) {
    if (field.length === VARIABLE_LENGTH) return undefined;
    placeField(layout, field, offset, field.length);
    offset += field.length;
  }
  return layout;
}
