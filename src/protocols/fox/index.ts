/**
 * Niagara Fox (1911, and over TLS 4911), the protocol of Tridium's Niagara Framework: the
 * supervisors and JACE controllers that run buildings' heating, ventilation, access control
 * and lighting. A station's hello names its software, host, brand and station before any login;
 * the grab sends only a hello and never authenticates.
 */
import type { Target } from '../../core/records.ts';
import { defineProtocol, type FieldsOf, type ProtocolDetection } from '../protocol.ts';
import { encodeHello, looksLikeFox } from './codec.ts';
import { type FoxResult, grabFox } from './grabber.ts';

const fields: FieldsOf<FoxResult> = {
  foxVersion: 'text',
  hostName: 'text',
  hostAddress: 'text',
  appName: 'text',
  appVersion: 'text',
  vmName: 'text',
  vmVersion: 'text',
  osName: 'text',
  osVersion: 'text',
  stationName: 'text',
  brandId: 'text',
  timeZone: 'text',
  hostId: 'text',
  complete: 'boolean',
};

const fieldNotes = {
  appName: '`app.name`: `Station` for a running station',
  appVersion: '`app.version`: the Niagara release, e.g. `4.10.1.36`',
  brandId: '`brandId`: the OEM brand the Niagara licence is issued under (`Tridium`, `vykon`, `webs` …)',
  hostId: '`hostId`: the licence host id, e.g. `Qnx-TITAN-0000-1F2A-33C1`',
  complete: 'the hello block was closed (`};;`)',
} as const;

/** Our hello; a reply that starts with a Fox hello line is Fox. */
const detect: ProtocolDetection = {
  probe: { request: (_target: Target) => encodeHello(), matches: looksLikeFox },
};

export const fox = defineProtocol<FoxResult>({
  name: 'fox',
  description: 'Niagara Fox: building-automation supervisors and controllers (Tridium Niagara); the hello names software, host and station before any login',
  transport: 'tcp',
  defaultPorts: [1911],
  fields,
  fieldNotes,
  detect,
  grab: grabFox,
});

export const foxs = defineProtocol<FoxResult>({
  name: 'foxs',
  description: 'Niagara Fox over TLS: the same hello, inside the station’s TLS session',
  transport: 'tls',
  defaultPorts: [4911],
  fields,
  fieldNotes,
  rulesOf: 'fox',
  detect,
  grab: grabFox,
});

export default fox;
