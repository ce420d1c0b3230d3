/**
 * The lab's ground truth: every device, its services, its identity and its weaknesses,
 * as a perfect survey would report them. Tests measure precision and recall against it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OpenNoticeError } from '../core/errors.ts';
import type { LabOptions } from './options.ts';
import { labPayload } from './payloads.ts';
import type { LabDevice, LabService, LabTruth, LabUdpService, TruthDevice, TruthUdpService, TruthWeakness } from './types.ts';
import { isLabVendor } from './vendors/index.ts';
import { labVulnerabilityFeed, vulnerabilitiesOf } from './vulnerabilities.ts';

export type { LabTruth, TruthDevice, TruthVulnerabilityFeed, TruthWeakness } from './types.ts';

/**
 * Derive the ground truth from a population.
 * @example truthOf(generatePopulation(options), options).devices[0].weaknesses
 */
export function truthOf(devices: readonly LabDevice[], options: LabOptions): LabTruth {
  return {
    seed: options.seed,
    cidr: options.cidr,
    deviceCount: devices.length,
    devices: devices.map(truthDevice),
    vulnerabilityFeed: labVulnerabilityFeed(),
  };
}

function truthDevice(device: LabDevice): TruthDevice {
  const truth: TruthDevice = {
    ip: device.ip,
    role: device.role,
    services: device.services.map((service) => ({
      port: service.port,
      protocol: service.protocol,
      ...(service.auth ? { auth: service.auth } : {}),
      ...(service.movedFrom !== undefined ? { movedFrom: service.movedFrom } : {}),
    })),
    weaknesses: device.services.flatMap(weaknessOf),
    // The payload printer is of no lab vendor: no CVE the lab speaks about can name it.
    vulnerabilities: device.identity && isLabVendor(device.identity.vendor) ? vulnerabilitiesOf(device.identity) : [],
  };
  if (device.udpServices) truth.udpServices = device.udpServices.map(udpTruth);
  if (device.hostileBehaviour) truth.hostileBehaviour = device.hostileBehaviour;
  if (device.identity) truth.identity = { ...device.identity };
  if (device.payloads) truth.payloads = device.payloads.map((id) => ({ ...labPayload(id) }));
  return truth;
}

/**
 * What a survey should say of a UDP service: a reflector when it answers the survey's request
 * with a larger well-formed reply — every answering lab service does except a closed DNS
 * forwarder (its REFUSED is no larger than the question) and an SNMP agent whose community is
 * not `public` (it stays silent); hostile answers are never well-formed.
 * @example udpTruth({ port: 53, protocol: 'dns', openResolver: false }).reflector // false
 */
export function udpTruth(service: LabUdpService): TruthUdpService {
  const answers =
    service.hostile === undefined &&
    (service.protocol === 'dns' ? service.openResolver === true : service.protocol === 'snmp' ? service.community === 'public' : true) &&
    // A survey reads BACnet for identity only and measures no reflection of it.
    service.protocol !== 'bacnet';
  return {
    port: service.port,
    protocol: service.protocol,
    reflector: answers,
    ...(service.protocol === 'snmp' ? { readableWithPublic: service.hostile === undefined && service.community === 'public' } : {}),
    ...(service.protocol === 'ntp' ? { monitorList: service.hostile === undefined && (service.monitorEntries ?? 0) > 0 } : {}),
    ...(service.hostile ? { hostile: service.hostile } : {}),
  };
}

/**
 * The weakness a service has, if any (at most one per service).
 * @example weaknessOf({ port: 23, protocol: 'telnet', auth: 'none' })[0].via // 'telnet-open-shell'
 */
export function weaknessOf(service: LabService): TruthWeakness[] {
  if (service.protocol === 'telnet' && service.auth === 'none') {
    return [{ kind: 'no-authentication', port: service.port, protocol: 'telnet', via: 'telnet-open-shell' }];
  }
  const mqtt = service.protocol === 'mqtt' || service.protocol === 'mqtts';
  // A broker without a password file lets anyone in: that, not a pair, is the weakness.
  if (mqtt && service.auth === 'none') return [{ kind: 'no-authentication', port: service.port, protocol: service.protocol, via: 'mqtt-anonymous' }];
  // Android's debug bridge taking connections without authorization: a shell for anyone.
  if (service.protocol === 'adb' && service.auth === 'none') return [{ kind: 'no-authentication', port: service.port, protocol: 'adb', via: 'adb-open' }];
  // A camera stream anyone may watch.
  if (service.protocol === 'rtsp' && service.auth === 'none')
    return [{ kind: 'no-authentication', port: service.port, protocol: 'rtsp', via: 'rtsp-open-stream' }];
  const credential = service.credential;
  if (!credential?.dictionaryEntryId) return [];
  const base = {
    kind: 'weak-credential' as const,
    port: service.port,
    username: credential.username,
    password: credential.password,
    dictionaryEntryId: credential.dictionaryEntryId,
  };
  if (service.protocol === 'telnet') return [{ ...base, protocol: 'telnet', via: 'telnet-login' }];
  if (service.protocol === 'ftp') return [{ ...base, protocol: 'ftp', via: 'ftp-login' }];
  if (service.protocol === 'ssh') return [{ ...base, protocol: 'ssh', via: 'ssh-login' }];
  if (mqtt) return [{ ...base, protocol: service.protocol, via: 'mqtt-login' }];
  if (service.protocol === 'rtsp') return [{ ...base, protocol: 'rtsp', via: 'rtsp-login' }];
  const web = service.protocol === 'http' || service.protocol === 'https';
  if (web && service.auth === 'basic') return [{ ...base, protocol: service.protocol, via: 'http-basic' }];
  if (web && service.auth === 'form') return [{ ...base, protocol: service.protocol, via: 'http-form' }];
  return [];
}

/**
 * Write the truth as pretty JSON (creating the directory if needed).
 * @example writeTruth('out/lab-truth.json', handle.truth)
 */
export function writeTruth(file: string, truth: LabTruth): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(truth, null, 2)}\n`);
  } catch (error) {
    throw new OpenNoticeError(
      'LAB_FAILED',
      `cannot write the lab ground truth: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { file },
      { cause: error },
    );
  }
}
