/**
 * Vulnerability records of software components, shaped as the NVD CVE API 2.0 publishes
 * them and read by the NVD importer, under the CPE names NVD uses for these products (and one
 * device firmware record, for contrast). Written by the tests from public CVE facts.
 */
import { parseNvdFeed, type ParsedFeed } from '../../src/assess/firmware/feeds/nvd.ts';

/** One NVD CVE API 2.0 entry with one configuration of one OR node, every entry vulnerable, CVSS 3.1 9.8. */
function nvdCve(id: string, description: string, cpeMatch: Array<Record<string, unknown>>) {
  return {
    cve: {
      id,
      sourceIdentifier: 'cve@mitre.org',
      published: '2016-01-01T00:00:00.000',
      lastModified: '2020-01-01T00:00:00.000',
      vulnStatus: 'Analyzed',
      descriptions: [{ lang: 'en', value: description }],
      metrics: {
        cvssMetricV31: [
          {
            source: 'nvd@nist.gov',
            type: 'Primary',
            cvssData: { version: '3.1', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, baseSeverity: 'CRITICAL' },
          },
        ],
      },
      configurations: [{ nodes: [{ operator: 'OR', negate: false, cpeMatch: cpeMatch.map((entry) => ({ vulnerable: true, ...entry })) }] }],
      references: [],
    },
  };
}

/**
 * CVE-2016-7406 (dropbear ≤ 2016.73), CVE-2022-28391 (BusyBox ≤ 1.35.0), CVE-2011-2523
 * (vsftpd 2.3.4), CVE-2015-1419 (vsftpd ≤ 3.0.2, under NVD's older vendor name "beasts") and
 * CVE-2014-100005 (D-Link DIR-600 firmware ≤ 2.16).
 * @example const { records } = componentCveRecords()
 */
export function componentCveRecords(): ParsedFeed {
  return parseNvdFeed({
    format: 'NVD_CVE',
    version: '2.0',
    vulnerabilities: [
      nvdCve('CVE-2016-7406', 'Format string vulnerability in Dropbear SSH before 2016.74.', [
        { criteria: 'cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:*:*:*:*:*:*:*:*', versionEndIncluding: '2016.73' },
      ]),
      nvdCve('CVE-2022-28391', 'BusyBox through 1.35.0 allows remote attackers to execute arbitrary code if netstat is used.', [
        { criteria: 'cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*', versionEndIncluding: '1.35.0' },
      ]),
      nvdCve('CVE-2011-2523', 'vsftpd 2.3.4 downloaded between 20110630 and 20110703 contains a backdoor.', [
        { criteria: 'cpe:2.3:a:vsftpd_project:vsftpd:2.3.4:*:*:*:*:*:*:*' },
      ]),
      nvdCve('CVE-2015-1419', 'vsftpd 3.0.2 and earlier: deny_file is not handled correctly.', [
        { criteria: 'cpe:2.3:a:beasts:vsftpd:*:*:*:*:*:*:*:*', versionEndIncluding: '3.0.2' },
      ]),
      nvdCve('CVE-2014-100005', 'Cross-site request forgery in D-Link DIR-600 firmware 2.16 and earlier.', [
        { criteria: 'cpe:2.3:o:dlink:dir-600_firmware:*:*:*:*:*:*:*:*', versionEndIncluding: '2.16' },
      ]),
    ],
  });
}
