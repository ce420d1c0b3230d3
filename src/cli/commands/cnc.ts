import { userInfo } from 'node:os';
import { loadAllowlist, shippedAllowlistFile } from '../../cnc/allowlist.ts';
import type { CncFeedEntry } from '../../cnc/feed-entry.ts';
import { readFeedText } from '../../cnc/feeds/feed-file.ts';
import { parseFeodoTracker } from '../../cnc/feeds/feodo.ts';
import { parseUrlhaus } from '../../cnc/feeds/urlhaus.ts';
import { readFlowFile } from '../../cnc/flow-file.ts';
import { createOwnNetworks, readOwnNetworksOption } from '../../cnc/own-networks.ts';
import { type ResolverLogFormat, resolverLogFormats } from '../../cnc/resolver-log.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { openAuditedStore } from '../audited-store.ts';
import type { CncCandidateRow, CncCandidateStatus } from '../../store/roles/cnc-candidates.ts';
import { runDetect, runDetectDomains } from '../cnc/detect.ts';
import { defineCommand } from '../command.ts';
import { storeOption } from '../store-option.ts';

const statuses: readonly CncCandidateStatus[] = ['pending', 'approved', 'rejected'];
const protocolNames: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };
const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f]+/g, ' ');

/**
 * The candidate table `cnc list` prints: one line of figures, then the evidence.
 * @example formatCandidates(await store.listCncCandidates())
 */
export function formatCandidates(rows: readonly CncCandidateRow[]): string {
  if (rows.length === 0) return 'no C&C candidates\n';
  const lines = ['ID     STATUS    CONF  ENDPOINT                                  BOTS  OTHERS  BEACON      FEEDS      LAST SEEN'];
  for (const row of rows) {
    const endpoint = row.endpointKind === 'domain' ? row.endpoint : `${row.endpoint}:${row.port}/${protocolNames[row.protocol] ?? row.protocol}`;
    const beacon = row.beaconing ? `~${row.beaconing.periodSeconds}s` : '-';
    lines.push(
      `${String(row.id).padEnd(6)} ${row.status.padEnd(9)} ${row.confidence.toFixed(2).padEnd(5)} ${endpoint.padEnd(41)} ${String(row.botsContacting).padEnd(5)} ${String(row.benignContacting).padEnd(7)} ${beacon.padEnd(11)} ${(row.feedsMatched.join(',') || '-').padEnd(10)} ${row.lastSeen.slice(0, 19)}`,
    );
    lines.push(`       ${oneLine(row.evidence)}`);
    if (row.decidedAt) lines.push(`       ${row.status} ${row.decidedAt} by ${oneLine(row.decidedBy ?? '?')}`);
  }
  return `${lines.join('\n')}\n`;
}

const feedParsers = { feodo: parseFeodoTracker, urlhaus: parseUrlhaus } as const;

/** The feed a file is from: --feed, else its name (feodo… / ipblocklist… / urlhaus… / csv_recent…). */
function feedOf(file: string, named: string | undefined): keyof typeof feedParsers {
  if (named !== undefined) {
    if (named !== 'feodo' && named !== 'urlhaus') throw new OpenNoticeError('USAGE', `--feed must be feodo or urlhaus, got "${named}"`);
    return named;
  }
  const base = file.split('/').pop()!.toLowerCase();
  if (/feodo|ipblocklist/.test(base)) return 'feodo';
  if (/urlhaus|csv_recent|csv_online|json_recent|json_online/.test(base)) return 'urlhaus';
  throw new OpenNoticeError('USAGE', `cannot tell which feed ${file} is from its name: give --feed feodo or --feed urlhaus`);
}

export default defineCommand({
  name: 'cnc',
  summary: 'C&C candidates found from flows: detect them, list them, approve or reject one, import known-bad feeds.',
  usage:
    'detect [FLOWS.jsonl | --from-store] [--since TIME] [--allowlist FILE] [--own-networks CIDRS|FILE] | detect-domains LOG... [--format dnsmasq|unbound|bind] | list [--status S] [--json] | approve ID | reject ID | import-feed FILE [--feed feodo|urlhaus] | indicators [--json]',
  details: `'detect' reads what 'flows collect' kept of the known bots' contacts since --since (or, given
a file, flows: one FlowRecord as JSON a line) and scores every external endpoint the
known bots contacted — infected findings, honeypot bots and darknet scanners in this store, seen
since --since (default 30 days ago): fan-in, lift over the population's share of bots,
beaconing, repeated contact, feed listings. Popular destinations on the allowlist (resolvers,
NTP, CDNs, update servers; default ${shippedAllowlistFile}) are never candidates, nor are
destinations inside the operator's own networks: the ISP registry's prefixes in this store and
--own-networks (CIDRs, comma-separated, or a file of one a line). Candidates at
or above --min-confidence (default 0.5) are stored as pending. Nothing is exported for blocking
until an operator approves it ('approve ID'); 'indicators' prints what the blocklists are
written from. 'detect-domains' reads resolver query logs (dnsmasq, unbound or BIND log-queries
output; the format from the first line unless --format) and scores the names the known bots
ask for with the same rules: candidates of kind domain, exported in the RPZ once approved.
'import-feed' reads abuse.ch Feodo Tracker (ipblocklist CSV/JSON) or URLhaus
(CSV/JSON) dumps; later detections mark endpoints they list. Method: docs/cnc.md.`,
  options: {
    status: { type: 'string', valueName: 'STATUS', description: 'list: pending, approved or rejected' },
    json: { type: 'boolean', description: 'list, indicators: JSON' },
    by: { type: 'string', valueName: 'NAME', description: 'approve/reject: who decides (default: the login name)' },
    since: { type: 'string', valueName: 'TIME', description: 'detect: bots seen since this ISO time (default: 30 days ago)' },
    allowlist: { type: 'string', valueName: 'FILE', description: 'detect: allowlist file instead of the shipped one' },
    'from-store': { type: 'boolean', description: "detect: read what 'flows collect' kept (the default without a file)" },
    'own-networks': { type: 'string', valueName: 'CIDRS|FILE', description: "detect: the operator's own networks beside the ISP registry's prefixes" },
    'min-confidence': { type: 'string', valueName: 'N', description: 'detect: store candidates at or above this confidence (0–1, default 0.5)' },
    feed: { type: 'string', valueName: 'NAME', description: 'import-feed: feodo or urlhaus (default: from the file name)' },
    format: { type: 'string', valueName: 'FORMAT', description: 'detect-domains: dnsmasq, unbound or bind (default: from the first line)' },
    db: storeOption,
  },
  async run(values, positionals, io) {
    const [subcommand, argument] = positionals;
    if (!['detect', 'detect-domains', 'list', 'approve', 'reject', 'import-feed', 'indicators'].includes(subcommand ?? ''))
      throw new OpenNoticeError(
        'USAGE',
        `unknown cnc subcommand "${subcommand ?? ''}" (detect, detect-domains, list, approve, reject, import-feed or indicators)`,
      );
    const logFormat = values.format as ResolverLogFormat | undefined;
    if (logFormat !== undefined && !resolverLogFormats.includes(logFormat))
      throw new OpenNoticeError('USAGE', `--format must be one of ${resolverLogFormats.join(', ')}, got "${logFormat}"`);
    const logFiles = positionals.slice(1);
    if (subcommand === 'detect-domains' && logFiles.length === 0) throw new OpenNoticeError('USAGE', 'cnc detect-domains needs at least one resolver log');
    const status = values.status;
    if (status !== undefined && !statuses.includes(status as CncCandidateStatus))
      throw new OpenNoticeError('USAGE', `--status must be one of ${statuses.join(', ')}`);
    const minimumConfidence = values['min-confidence'] === undefined ? 0.5 : Number(values['min-confidence']);
    if (!(minimumConfidence >= 0 && minimumConfidence <= 1)) throw new OpenNoticeError('USAGE', '--min-confidence must be a number from 0 to 1');
    const since = values.since ?? new Date(Date.now() - 30 * 86_400_000).toISOString();
    if (Number.isNaN(Date.parse(since))) throw new OpenNoticeError('USAGE', `--since must be an ISO time, got "${since}"`);
    if (subcommand === 'import-feed' && !argument) throw new OpenNoticeError('USAGE', 'cnc import-feed needs a file');
    if (subcommand === 'detect' && values['from-store'] === true && argument !== undefined)
      throw new OpenNoticeError('USAGE', 'cnc detect reads either a flow file or the store (--from-store), not both');

    // Files are read and checked before the store opens: a bad file changes nothing.
    const allowlist = subcommand === 'detect' || subcommand === 'detect-domains' ? loadAllowlist(values.allowlist) : undefined;
    const flows = subcommand === 'detect' && argument !== undefined ? await readFlowFile(argument) : undefined;
    const ownNetworkOption = subcommand === 'detect' && values['own-networks'] !== undefined ? await readOwnNetworksOption(values['own-networks']) : [];
    // Checked here, before the store opens: a typo in a CIDR changes nothing.
    createOwnNetworks(ownNetworkOption, '--own-networks');
    let feedEntries: CncFeedEntry[] | undefined;
    if (subcommand === 'import-feed') feedEntries = feedParsers[feedOf(argument!, values.feed)](readFeedText(argument!), argument!);

    const store = await openAuditedStore(String(values.db)); // C&C approvals and rejections go into the audit trail
    try {
      if (subcommand === 'detect') {
        await runDetect(store, { flows, since, allowlist: allowlist!, ownNetworks: ownNetworkOption, minimumConfidence }, io);
        return 0;
      }
      if (subcommand === 'detect-domains') {
        await runDetectDomains(store, { logFiles, logFormat, since, allowlist: allowlist!, minimumConfidence }, io);
        return 0;
      }
      if (subcommand === 'import-feed') {
        const read = await store.recordCncFeedEntries(feedEntries!, new Date().toISOString());
        io.stdout.write(`${argument}: ${read} ${feedEntries![0]?.feed ?? ''} entries imported\n`);
        return 0;
      }
      if (subcommand === 'list') {
        const rows = await store.listCncCandidates(status ? { status: status as CncCandidateStatus } : {});
        io.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : formatCandidates(rows));
        return 0;
      }
      if (subcommand === 'indicators') {
        const indicators = await store.listApprovedIndicators();
        io.stdout.write(
          values.json
            ? `${JSON.stringify(indicators, null, 2)}\n`
            : indicators
                .map(
                  (indicator) =>
                    `${indicator.value}${indicator.port ? `:${indicator.port}${indicator.protocol ? `/${indicator.protocol}` : ''}` : ''}  # ${oneLine(indicator.reason)}\n`,
                )
                .join(''),
        );
        return 0;
      }
      if (!argument || !/^\d{1,15}$/.test(argument)) throw new OpenNoticeError('USAGE', `cnc ${subcommand} needs a candidate id (see 'opennotice cnc list')`);
      const id = Number(argument);
      const existing = await store.getCncCandidate(id);
      if (!existing) throw new OpenNoticeError('USAGE', `there is no C&C candidate ${id}`);
      if (existing.status !== 'pending')
        throw new OpenNoticeError('USAGE', `C&C candidate ${id} was already ${existing.status} (${existing.decidedAt ?? ''} by ${existing.decidedBy ?? '?'})`);
      const decision = subcommand === 'approve' ? 'approved' : 'rejected';
      await store.decideCncCandidate(id, { status: decision, at: new Date().toISOString(), by: values.by ?? userInfo().username });
      io.stdout.write(
        `C&C candidate ${id} ${decision}: ${existing.endpoint}${existing.endpointKind === 'domain' ? '' : `:${existing.port}`}${decision === 'approved' ? ' (now in the blocklist indicators)' : ''}\n`,
      );
      return 0;
    } finally {
      await store.close();
    }
  },
});
