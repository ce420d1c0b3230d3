/**
 * Script-injection payloads the lab's payload devices send in their banners, titles and
 * headers. Anything a device sends is attacker-controlled text: the web pages that show
 * survey results must escape it. Each payload sets its own `window.__xss` number if it
 * ever runs, so a browser test can tell which one got through (none may).
 */
import type { LabPayload, LabTruth, PayloadId, TruthDevice } from './types.ts';

export type { LabPayload, PayloadId } from './types.ts';

/**
 * Every payload the lab sends, once each, with the port and grab field that carry it.
 * `http-server-header` sits inside an HP-style Server header whose model part the
 * identification rules capture, so it also becomes the device's model (payloadModel).
 */
export const labPayloads: readonly LabPayload[] = [
  { id: 'telnet-banner', marker: 1, protocol: 'telnet', port: 23, field: 'banner', text: '<script>window.__xss=1</script>' },
  { id: 'http-title', marker: 2, protocol: 'http', port: 80, field: 'title', text: '"><img src=x onerror="window.__xss=2">' },
  { id: 'http-server-header', marker: 3, protocol: 'http', port: 80, field: 'headers.server', text: '<svg onload=window.__xss=3>' },
  { id: 'ftp-greeting', marker: 4, protocol: 'ftp', port: 21, field: 'banner', text: '<iframe srcdoc="<script>parent.__xss=4</script>">' },
  { id: 'ssh-comment', marker: 5, protocol: 'ssh', port: 22, field: 'comment', text: 'javascript:window.__xss=5' },
  { id: 'http-realm', marker: 6, protocol: 'http', port: 80, field: 'auth.realm', text: '<img src=x onerror=window.__xss=6>' },
];

/**
 * The catalogue entry of one payload.
 * @example labPayload('telnet-banner').text // '<script>window.__xss=1</script>'
 */
export function labPayload(id: PayloadId): LabPayload {
  const payload = labPayloads.find((candidate) => candidate.id === id);
  if (!payload) throw new Error(`unknown lab payload "${id}"`);
  return payload;
}

/**
 * The model name identification gives the payload printer: product line + payload, as
 * the HP Server-header rule captures it.
 * @example payloadModel // 'LaserJet <svg onload=window.__xss=3>'
 */
export const payloadModel = `LaserJet ${labPayload('http-server-header').text}`;

/**
 * The devices of a lab's truth that carry payloads (none when hostile devices are off).
 * @example payloadDevicesOf(lab.truth).flatMap((device) => device.payloads!.map((payload) => payload.text))
 */
export function payloadDevicesOf(truth: LabTruth): TruthDevice[] {
  return truth.devices.filter((device) => device.payloads !== undefined);
}
