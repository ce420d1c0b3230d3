/**
 * The lab's own vulnerabilities for its fictional vendors. Each synthetic CVE is defined
 * the way the lab knows its firmware: "releases i..j of model M" (release indexes into the
 * vendor profile's firmware history). vuln-feed.ts renders each definition into an NVD
 * configuration (ranges, exact versions, firmware+hardware AND, a negated node), and the
 * ground truth asks the same definitions which devices they cover — by index, never by
 * comparing version strings, so the truth cannot inherit a matcher's mistakes.
 */
import type { LabIdentity } from './types.ts';
import { fictionalVendors, vendorProfile } from './vendors/index.ts';
import type { FirmwareRelease, ModelSpec } from './vendors/profile.ts';

/**
 * How the firmware range is written in the NVD configuration:
 *  - up-to:   versionEndIncluding the last affected release (from must be 0)
 *  - before:  versionEndExcluding the first fixed release
 *  - window:  versionStartIncluding the first affected + versionEndExcluding the first fixed one
 *  - exact:   one cpeMatch per affected release, the version in the criteria
 *  - except:  versionEndIncluding the last affected release AND a negated node naming the excepted release
 */
export type RangeStyle = 'up-to' | 'before' | 'window' | 'exact' | 'except';

/** Affected firmware of one model: release indexes `from`..`to`, both included, minus `except`. */
export interface SyntheticTarget {
  model: string;
  from: number;
  to: number;
  except?: number;
}

export interface SyntheticCve {
  id: string;
  vendor: string;
  style: RangeStyle;
  /** Also require the model's hardware (`cpe:2.3:h:…`, vulnerable: false) in an AND configuration. */
  withHardware: boolean;
  targets: readonly SyntheticTarget[];
  /** Index into `cvssVectors`. */
  severity: keyof typeof cvssVectors;
  cwe: string;
  /** What the flaw is, completed with the affected products in the description. */
  flaw: string;
  published: string;
}

/** CVSS 3.1 vectors with the scores NVD's calculator gives them. */
export const cvssVectors = {
  'rce-unauth': {
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    baseScore: 9.8,
    baseSeverity: 'CRITICAL',
    exploitabilityScore: 3.9,
    impactScore: 5.9,
  },
  'rce-auth': { vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', baseScore: 8.8, baseSeverity: 'HIGH', exploitabilityScore: 2.8, impactScore: 5.9 },
  'rce-adjacent': { vector: 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 8.8, baseSeverity: 'HIGH', exploitabilityScore: 2.8, impactScore: 5.9 },
  'rce-admin': { vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H', baseScore: 7.2, baseSeverity: 'HIGH', exploitabilityScore: 1.2, impactScore: 5.9 },
  'read-unauth': { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', baseScore: 7.5, baseSeverity: 'HIGH', exploitabilityScore: 3.9, impactScore: 3.6 },
  xss: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', baseScore: 6.1, baseSeverity: 'MEDIUM', exploitabilityScore: 2.8, impactScore: 2.7 },
  'info-leak': { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', baseScore: 5.3, baseSeverity: 'MEDIUM', exploitabilityScore: 3.9, impactScore: 1.4 },
  cleartext: { vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N', baseScore: 3.7, baseSeverity: 'LOW', exploitabilityScore: 2.2, impactScore: 1.4 },
} as const;

const cve = (number: number, rest: Omit<SyntheticCve, 'id'>): SyntheticCve => ({ id: `CVE-2099-${String(number).padStart(4, '0')}`, ...rest });

/**
 * Every synthetic CVE. Ids are in the CVE-2099 range so they can never be taken for real ones.
 * Storix firmware numbers are not monotonic (its build counter wraps), so its CVEs use exact versions only.
 */
export const syntheticCves: readonly SyntheticCve[] = [
  cve(1, {
    vendor: 'Velmora',
    style: 'up-to',
    withHardware: false,
    targets: [{ model: 'VM-IPC2130', from: 0, to: 2 }],
    severity: 'rce-unauth',
    cwe: 'CWE-78',
    flaw: 'OS command injection in the NTP server field of the web interface',
    published: '2016-04-12T14:59:00.000',
  }),
  cve(2, {
    vendor: 'Velmora',
    style: 'before',
    withHardware: false,
    targets: [
      { model: 'VM-DVR5104H', from: 0, to: 3 },
      { model: 'VM-IPC2130', from: 0, to: 1 },
    ],
    severity: 'rce-unauth',
    cwe: 'CWE-287',
    flaw: 'authentication bypass through a crafted session cookie',
    published: '2017-02-03T19:59:00.000',
  }),
  cve(3, {
    vendor: 'Velmora',
    style: 'window',
    withHardware: false,
    targets: [{ model: 'VM-IPC2140S', from: 1, to: 3 }],
    severity: 'read-unauth',
    cwe: 'CWE-22',
    flaw: 'path traversal in the snapshot download handler',
    published: '2018-09-21T16:29:00.000',
  }),
  cve(4, {
    vendor: 'Velmora',
    style: 'up-to',
    withHardware: true,
    targets: [{ model: 'VM-NVR6108E', from: 0, to: 2 }],
    severity: 'rce-auth',
    cwe: 'CWE-121',
    flaw: 'stack-based buffer overflow in the channel title setting',
    published: '2019-07-30T12:15:00.000',
  }),
  cve(5, {
    vendor: 'Velmora',
    style: 'exact',
    withHardware: false,
    targets: [{ model: 'VM-IPC3260W', from: 1, to: 1 }],
    severity: 'xss',
    cwe: 'CWE-79',
    flaw: 'reflected cross-site scripting in the login page',
    published: '2021-03-08T10:15:00.000',
  }),
  cve(6, {
    vendor: 'Quillon',
    style: 'up-to',
    withHardware: false,
    targets: [{ model: 'QR-841N', from: 0, to: 3 }],
    severity: 'rce-adjacent',
    cwe: 'CWE-78',
    flaw: 'command injection in the WPS PIN handler',
    published: '2014-11-18T15:59:00.000',
  }),
  cve(7, {
    vendor: 'Quillon',
    style: 'up-to',
    withHardware: true,
    targets: [
      { model: 'QR-740N', from: 0, to: 2 },
      { model: 'QR-940N', from: 0, to: 1 },
    ],
    severity: 'rce-unauth',
    cwe: 'CWE-787',
    flaw: 'out-of-bounds write in the UPnP SOAP service',
    published: '2015-12-01T20:59:00.000',
  }),
  cve(8, {
    vendor: 'Quillon',
    style: 'except',
    withHardware: false,
    targets: [{ model: 'QR-C20', from: 0, to: 3, except: 2 }],
    severity: 'rce-admin',
    cwe: 'CWE-78',
    flaw: 'command injection in the diagnostic ping page (a hotfix release was not affected)',
    published: '2019-05-14T18:29:00.000',
  }),
  cve(9, {
    vendor: 'Quillon',
    style: 'window',
    withHardware: false,
    targets: [{ model: 'QR-C80', from: 1, to: 2 }],
    severity: 'info-leak',
    cwe: 'CWE-200',
    flaw: 'information disclosure through an unauthenticated status endpoint',
    published: '2020-10-05T13:15:00.000',
  }),
  cve(10, {
    vendor: 'Quillon',
    style: 'exact',
    withHardware: false,
    targets: [{ model: 'QR-AX10', from: 0, to: 1 }],
    severity: 'read-unauth',
    cwe: 'CWE-22',
    flaw: 'path traversal in the locale file loader',
    published: '2022-06-27T11:15:00.000',
  }),
  cve(11, {
    vendor: 'Ardentel',
    style: 'up-to',
    withHardware: false,
    targets: [
      { model: 'AR-HFW1320', from: 0, to: 2 },
      { model: 'AR-XVR5104', from: 0, to: 2 },
    ],
    severity: 'rce-unauth',
    cwe: 'CWE-798',
    flaw: 'hard-coded credentials for a maintenance account',
    published: '2015-08-19T14:59:00.000',
  }),
  cve(12, {
    vendor: 'Ardentel',
    style: 'before',
    withHardware: false,
    targets: [{ model: 'AR-NVR4108', from: 0, to: 1 }],
    severity: 'read-unauth',
    cwe: 'CWE-22',
    flaw: 'path traversal in the recording export API',
    published: '2017-06-06T17:29:00.000',
  }),
  cve(13, {
    vendor: 'Ardentel',
    style: 'window',
    withHardware: true,
    targets: [{ model: 'AR-HDW2431', from: 1, to: 3 }],
    severity: 'rce-auth',
    cwe: 'CWE-120',
    flaw: 'buffer overflow in the RTSP URL parser',
    published: '2020-02-11T15:15:00.000',
  }),
  cve(14, {
    vendor: 'Ardentel',
    style: 'exact',
    withHardware: false,
    targets: [{ model: 'AR-NVR5216', from: 0, to: 0 }],
    severity: 'cleartext',
    cwe: 'CWE-319',
    flaw: 'cleartext transmission of the cloud pairing key',
    published: '2022-01-24T09:15:00.000',
  }),
  cve(15, {
    vendor: 'Storix',
    style: 'exact',
    withHardware: false,
    targets: [{ model: 'SXN-210', from: 0, to: 2 }],
    severity: 'rce-unauth',
    cwe: 'CWE-78',
    flaw: 'command injection in the share name of the file station',
    published: '2014-03-25T13:55:00.000',
  }),
  cve(16, {
    vendor: 'Storix',
    style: 'exact',
    withHardware: false,
    targets: [
      { model: 'SXN-420', from: 0, to: 1 },
      { model: 'SXN-412P', from: 0, to: 1 },
    ],
    severity: 'read-unauth',
    cwe: 'CWE-22',
    flaw: 'path traversal in the media thumbnail service',
    published: '2016-10-17T20:59:00.000',
  }),
  cve(17, {
    vendor: 'Storix',
    style: 'exact',
    withHardware: true,
    targets: [{ model: 'SXN-640', from: 1, to: 1 }],
    severity: 'rce-auth',
    cwe: 'CWE-434',
    flaw: 'unrestricted upload of an application package',
    published: '2020-12-09T16:15:00.000',
  }),
  cve(18, {
    vendor: 'Lumeca',
    style: 'up-to',
    withHardware: false,
    targets: [{ model: 'LP-2040dn', from: 0, to: 3 }],
    severity: 'read-unauth',
    cwe: 'CWE-306',
    flaw: 'missing authentication on the address book export',
    published: '2015-01-29T18:59:00.000',
  }),
  cve(19, {
    vendor: 'Lumeca',
    style: 'window',
    withHardware: false,
    targets: [
      { model: 'LP-2260dw', from: 1, to: 3 },
      { model: 'LM-3350cdn', from: 0, to: 1 },
    ],
    severity: 'info-leak',
    cwe: 'CWE-200',
    flaw: 'disclosure of the Wi-Fi passphrase in the configuration page source',
    published: '2018-03-13T21:29:00.000',
  }),
  cve(20, {
    vendor: 'Kestrix',
    style: 'up-to',
    withHardware: false,
    targets: [
      { model: 'KX-R300', from: 0, to: 3 },
      { model: 'KX-R600', from: 0, to: 2 },
    ],
    severity: 'rce-unauth',
    cwe: 'CWE-78',
    flaw: 'command injection in the HNAP SOAPAction header',
    published: '2015-04-21T10:59:00.000',
  }),
  cve(21, {
    vendor: 'Kestrix',
    style: 'before',
    withHardware: true,
    targets: [{ model: 'KX-G100', from: 0, to: 2 }],
    severity: 'rce-auth',
    cwe: 'CWE-787',
    flaw: 'out-of-bounds write in the Zigbee pairing handler',
    published: '2018-07-02T19:29:00.000',
  }),
  cve(22, {
    vendor: 'Kestrix',
    style: 'except',
    withHardware: false,
    targets: [{ model: 'KX-R850', from: 0, to: 4, except: 3 }],
    severity: 'read-unauth',
    cwe: 'CWE-284',
    flaw: 'improper access control on the configuration backup (fixed in one release, reintroduced in the next)',
    published: '2021-11-16T14:15:00.000',
  }),
  cve(23, {
    vendor: 'Kestrix',
    style: 'window',
    withHardware: false,
    targets: [{ model: 'KX-G300', from: 2, to: 3 }],
    severity: 'xss',
    cwe: 'CWE-79',
    flaw: 'stored cross-site scripting in the device name',
    published: '2023-05-30T08:15:00.000',
  }),
  cve(24, {
    vendor: 'Nexorra',
    style: 'up-to',
    withHardware: false,
    targets: [
      { model: 'NX-HG200', from: 0, to: 3 },
      { model: 'NX-HG350', from: 0, to: 2 },
    ],
    severity: 'rce-unauth',
    cwe: 'CWE-78',
    flaw: 'command injection in the TR-069 connection request handler',
    published: '2016-08-23T15:59:00.000',
  }),
  cve(25, {
    vendor: 'Nexorra',
    style: 'exact',
    withHardware: true,
    targets: [{ model: 'NX-LTE50', from: 2, to: 2 }],
    severity: 'rce-admin',
    cwe: 'CWE-78',
    flaw: 'command injection in the SMS forwarding settings',
    published: '2019-01-15T12:29:00.000',
  }),
  cve(26, {
    vendor: 'Nexorra',
    style: 'window',
    withHardware: false,
    targets: [{ model: 'NX-MESH6', from: 1, to: 2 }],
    severity: 'info-leak',
    cwe: 'CWE-200',
    flaw: 'information disclosure of connected client names through the mesh API',
    published: '2024-04-09T17:15:00.000',
  }),
];

/**
 * The model spec and firmware history a synthetic CVE target refers to.
 * @example targetReleases('Velmora', 'VM-IPC2130').releases.length // 5
 */
export function targetReleases(vendor: string, model: string): { spec: ModelSpec; releases: FirmwareRelease[] } {
  const profile = vendorProfile(vendor);
  const spec = profile.models.find((candidate) => candidate.model === model);
  if (!spec || !fictionalVendors.includes(profile)) throw new Error(`synthetic CVE target ${vendor} ${model} is not a fictional lab model`);
  return { spec, releases: profile.firmwareReleases(spec) };
}

/** Whether release `index` is one the target covers. */
export function targetCovers(target: SyntheticTarget, index: number): boolean {
  return index >= target.from && index <= target.to && index !== target.except;
}

/**
 * The synthetic CVE ids a fictional-vendor device is affected by, from the definitions (by release index).
 * @example syntheticCvesOf({ vendor: 'Velmora', model: 'VM-IPC2130', firmwareVersion: firstRelease, ... }) // ['CVE-2099-0001', 'CVE-2099-0002']
 */
export function syntheticCvesOf(identity: LabIdentity): string[] {
  const ids: string[] = [];
  for (const definition of syntheticCves) {
    if (definition.vendor !== identity.vendor) continue;
    for (const target of definition.targets) {
      if (target.model !== identity.model) continue;
      const index = targetReleases(definition.vendor, target.model).releases.findIndex((release) => release.version === identity.firmwareVersion);
      if (index !== -1 && targetCovers(target, index)) ids.push(definition.id);
    }
  }
  return ids;
}
