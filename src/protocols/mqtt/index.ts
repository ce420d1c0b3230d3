/**
 * MQTT (3.1.1, with 5 and 3.1 as fallbacks), the message broker of cameras, gateways and
 * smart-home hubs: a broker that accepts an anonymous CONNECT lets anyone read and command
 * the devices on it; one that refuses it has a login the dictionary is tried on. Plain on
 * 1883, over TLS on 8883: one grabber and one checker serve both, because a `tls` protocol's
 * code gets a context whose dial is a TLS session. After a CONNACK only DISCONNECT is ever
 * sent: never SUBSCRIBE, never PUBLISH.
 */
import type { Target } from '../../core/records.ts';
import { defineProtocol, type FieldsOf, type ProtocolDetection } from '../protocol.ts';
import { looksLikeConnack } from './connack.ts';
import { encodeConnect } from './connect.ts';
import { mqttChecker } from './credentials.ts';
import { grabMqtt, type MqttResult } from './grabber.ts';
import { keepAliveSeconds } from './session.ts';

const fields: FieldsOf<MqttResult> = {
  protocolLevel: 'number',
  returnCode: 'number',
  returnMeaning: 'text',
  anonymousAccepted: 'boolean',
  sessionPresent: 'boolean',
  properties: {
    sessionExpiryInterval: 'number',
    receiveMaximum: 'number',
    maximumQos: 'number',
    retainAvailable: 'boolean',
    maximumPacketSize: 'number',
    assignedClientId: 'text',
    topicAliasMaximum: 'number',
    reasonString: 'text',
    userProperties: 'list',
    wildcardSubscriptionAvailable: 'boolean',
    subscriptionIdentifiersAvailable: 'boolean',
    sharedSubscriptionAvailable: 'boolean',
    serverKeepAlive: 'number',
    responseInformation: 'text',
    serverReference: 'text',
    authenticationMethod: 'text',
  },
  tls: { version: 'text', cipher: 'text', subject: 'text', issuer: 'text', selfSigned: 'boolean', certificateSha256: 'text' },
};

const fieldNotes = {
  protocolLevel: 'level of the CONNECT that got the answer: 4 (3.1.1), 5 (5.0) or 3 (3.1)',
  returnCode: 'CONNACK return code (0–5) or MQTT 5 reason code (0, 128 and up)',
  returnMeaning: '`accepted`, `not-authorized`, `bad-credentials`, `unacceptable-version`, `identifier-rejected`, `server-unavailable` …',
  anonymousAccepted: 'a CONNECT without user name or password was accepted',
  properties: 'MQTT 5 CONNACK properties (`properties.reasonString`, `properties.serverKeepAlive` …; user properties as a list)',
  tls: 'over TLS: `tls.version`, `tls.subject`, `tls.issuer` of the broker certificate …',
} as const;

/** One anonymous 3.1.1 CONNECT; a reply that starts like a CONNACK is MQTT. */
const detect: ProtocolDetection = {
  probe: {
    request: (_target: Target) => encodeConnect({ level: 4, clientId: 'opennoticeprobe', keepAliveSeconds }),
    matches: looksLikeConnack,
  },
};

export const mqtt = defineProtocol<MqttResult>({
  name: 'mqtt',
  description: 'message broker of cameras, gateways and smart-home hubs; an anonymous CONNECT accepted lets anyone read and command its devices',
  transport: 'tcp',
  defaultPorts: [1883],
  fields,
  fieldNotes,
  detect,
  grab: grabMqtt,
  credentials: mqttChecker,
});

export const mqtts = defineProtocol<MqttResult>({
  name: 'mqtts',
  description: 'MQTT over TLS: the same broker login, and the certificate the broker presents',
  transport: 'tls',
  defaultPorts: [8883],
  fields,
  fieldNotes,
  rulesOf: 'mqtt',
  detect,
  grab: grabMqtt,
  credentials: mqttChecker,
});

export default mqtt;
