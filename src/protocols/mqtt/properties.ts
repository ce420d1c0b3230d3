/**
 * The MQTT 5 properties a CONNACK may carry (§3.2.2.3), as plain fields. Reading is bounded:
 * texts are cut to 256 characters, at most 16 user properties are kept, authentication data is
 * skipped unread, and a property a CONNACK may not carry makes the packet invalid (its length
 * cannot be known, so nothing after it could be trusted).
 */
import { bodyReader, encodeField, encodeVarint } from './codec.ts';

export interface ConnackProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumQos?: number;
  retainAvailable?: boolean;
  maximumPacketSize?: number;
  /** The client identifier the broker assigned (only when ours was empty, which it never is). */
  assignedClientId?: string;
  topicAliasMaximum?: number;
  /** Free text explaining the code, e.g. why a login was refused. */
  reasonString?: string;
  /** "name=value" pairs, in the order sent (first 16). */
  userProperties?: string[];
  wildcardSubscriptionAvailable?: boolean;
  subscriptionIdentifiersAvailable?: boolean;
  sharedSubscriptionAvailable?: boolean;
  /** Keep-alive the broker imposes instead of ours, in seconds. */
  serverKeepAlive?: number;
  responseInformation?: string;
  /** Another broker to use (with "use another server" / "server moved"). */
  serverReference?: string;
  /** Enhanced authentication the broker asks for (SCRAM, …): not something the dictionary can answer. */
  authenticationMethod?: string;
}

type NumberProperty = 'sessionExpiryInterval' | 'receiveMaximum' | 'maximumQos' | 'maximumPacketSize' | 'topicAliasMaximum' | 'serverKeepAlive';
type FlagProperty = 'retainAvailable' | 'wildcardSubscriptionAvailable' | 'subscriptionIdentifiersAvailable' | 'sharedSubscriptionAvailable';
type TextProperty = 'assignedClientId' | 'reasonString' | 'responseInformation' | 'serverReference' | 'authenticationMethod';

type PropertySpec =
  | { id: number; kind: 'byte' | 'uint16' | 'uint32'; name: NumberProperty }
  | { id: number; kind: 'flag'; name: FlagProperty }
  | { id: number; kind: 'text'; name: TextProperty }
  | { id: number; kind: 'pair'; name: 'userProperties' }
  | { id: number; kind: 'binary'; name?: undefined };

/** Every property MQTT 5 allows in a CONNACK, in the order the lab's broker writes them. */
const specs: readonly PropertySpec[] = [
  { id: 0x11, kind: 'uint32', name: 'sessionExpiryInterval' },
  { id: 0x21, kind: 'uint16', name: 'receiveMaximum' },
  { id: 0x24, kind: 'byte', name: 'maximumQos' },
  { id: 0x25, kind: 'flag', name: 'retainAvailable' },
  { id: 0x27, kind: 'uint32', name: 'maximumPacketSize' },
  { id: 0x12, kind: 'text', name: 'assignedClientId' },
  { id: 0x22, kind: 'uint16', name: 'topicAliasMaximum' },
  { id: 0x1f, kind: 'text', name: 'reasonString' },
  { id: 0x26, kind: 'pair', name: 'userProperties' },
  { id: 0x28, kind: 'flag', name: 'wildcardSubscriptionAvailable' },
  { id: 0x29, kind: 'flag', name: 'subscriptionIdentifiersAvailable' },
  { id: 0x2a, kind: 'flag', name: 'sharedSubscriptionAvailable' },
  { id: 0x13, kind: 'uint16', name: 'serverKeepAlive' },
  { id: 0x1a, kind: 'text', name: 'responseInformation' },
  { id: 0x1c, kind: 'text', name: 'serverReference' },
  { id: 0x15, kind: 'text', name: 'authenticationMethod' },
  { id: 0x16, kind: 'binary' }, // authentication data: skipped
];
const specById = new Map(specs.map((spec) => [spec.id, spec]));

const maxTextChars = 256;
const maxUserProperties = 16;

const cut = (text: string) => (text.length > maxTextChars ? text.slice(0, maxTextChars) : text);

export type PropertiesDecode = { state: 'complete'; properties: ConnackProperties } | { state: 'invalid'; reason: string };

/**
 * The property block (after its length) of a CONNACK. Repeated properties other than user
 * properties keep their first value.
 * @example decodeConnackProperties(Buffer.from([0x13, 0x00, 0x3c])) // { serverKeepAlive: 60 }
 */
export function decodeConnackProperties(block: Buffer): PropertiesDecode {
  const properties: ConnackProperties = {};
  const reader = bodyReader(block);
  // Every property takes at least two bytes, so the block's length bounds the loop.
  while (reader.remaining > 0) {
    const id = reader.varint();
    const spec = id === undefined ? undefined : specById.get(id);
    if (id === undefined || !spec)
      return { state: 'invalid', reason: `property ${id === undefined ? 'id cut short' : `0x${id.toString(16)}`} not allowed in CONNACK` };
    const failed = { state: 'invalid', reason: `CONNACK property 0x${id.toString(16)} cut short` } as const;
    switch (spec.kind) {
      case 'byte':
      case 'uint16':
      case 'uint32': {
        const value = spec.kind === 'byte' ? reader.byte() : spec.kind === 'uint16' ? reader.uint16() : reader.uint32();
        if (value === undefined) return failed;
        properties[spec.name] ??= value;
        break;
      }
      case 'flag': {
        const value = reader.byte();
        if (value === undefined) return failed;
        properties[spec.name] ??= value !== 0;
        break;
      }
      case 'text': {
        const value = reader.text();
        if (value === undefined) return failed;
        properties[spec.name] ??= cut(value);
        break;
      }
      case 'pair': {
        const name = reader.text();
        const value = reader.text();
        if (name === undefined || value === undefined) return failed;
        const list = (properties.userProperties ??= []);
        if (list.length < maxUserProperties) list.push(cut(`${name}=${value}`));
        break;
      }
      case 'binary':
        if (reader.field() === undefined) return failed;
        break;
    }
  }
  return { state: 'complete', properties };
}

/**
 * The property length and block of a CONNACK, as a broker writes it (the lab's).
 * @example encodeConnackProperties({ reasonString: 'no' }) // <Buffer 05 1f 00 02 6e 6f>
 */
export function encodeConnackProperties(properties: ConnackProperties): Buffer {
  const parts: Buffer[] = [];
  for (const spec of specs) {
    if (spec.kind === 'binary') continue;
    const value = properties[spec.name];
    if (value === undefined) continue;
    const id = Buffer.from([spec.id]);
    if (spec.kind === 'pair') {
      for (const pair of value as string[]) {
        const equals = pair.indexOf('=');
        parts.push(id, encodeField(pair.slice(0, Math.max(0, equals))), encodeField(equals < 0 ? pair : pair.slice(equals + 1)));
      }
    } else if (spec.kind === 'text') parts.push(id, encodeField(value as string));
    else if (spec.kind === 'flag') parts.push(id, Buffer.from([value ? 1 : 0]));
    else {
      const size = spec.kind === 'byte' ? 1 : spec.kind === 'uint16' ? 2 : 4;
      const bytes = Buffer.alloc(size);
      bytes.writeUIntBE(value as number, 0, size);
      parts.push(id, bytes);
    }
  }
  const block = Buffer.concat(parts);
  return Buffer.concat([encodeVarint(block.length), block]);
}
