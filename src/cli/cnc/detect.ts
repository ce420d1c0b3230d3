/**
 * `opennotice cnc detect` and `cnc detect-domains` once their inputs are read and checked: the
 * known bots and own networks from the store, the endpoints from a flow file, the store's
 * C&C contacts or resolver logs, scored by the same rules, candidates stored as pending.
 */
import type { Allowlist } from '../../cnc/allowlist.ts';
import { aggregateEndpoints, scoreEndpoints } from '../../cnc/detect.ts';
import { DomainQueryCollector } from '../../cnc/domain-queries.ts';
import { createFeedIndex } from '../../cnc/feed-entry.ts';
import { createOwnNetworks } from '../../cnc/own-networks.ts';
import type { ResolverLogFormat } from '../../cnc/resolver-log.ts';
import { readResolverLog } from '../../cnc/resolver-log-file.ts';
import { endpointsFromStoredContacts } from '../../cnc/stored-contacts.ts';
import type { FlowRecord } from '../../flows/flow-record.ts';
import type { CncCandidateStore } from '../../store/roles/cnc-candidates.ts';
import type { CncContactStore } from '../../store/roles/cnc-contacts.ts';
import type { IspAttributionStore } from '../../store/roles/isp-attribution.ts';
import type { KnownBotStore } from '../../store/roles/known-bots.ts';
import type { CommandIo } from '../command.ts';

export type DetectionStore = KnownBotStore & CncCandidateStore & CncContactStore & Pick<IspAttributionStore, 'listIsps'>;

export interface DetectRequest {
  /** Flows from a file; undefined: what `flows collect` kept in the store. */
  flows: readonly FlowRecord[] | undefined;
  /** ISO time: known bots seen since, and the stored contacts of the hours since. */
  since: string;
  allowlist: Allowlist;
  /** CIDRs of --own-networks (checked already), beside the ISP registry's prefixes. */
  ownNetworks: readonly string[];
  minimumConfidence: number;
}

async function knownBotsSince(store: KnownBotStore, since: string): Promise<Set<string>> {
  return new Set((await store.listKnownBotAddresses(new Date(since).toISOString())).map((bot) => bot.ip));
}

/** @example await runDetect(store, { flows: undefined, since, allowlist, ownNetworks: [], minimumConfidence: 0.5 }, io) */
export async function runDetect(store: DetectionStore, request: DetectRequest, io: CommandIo): Promise<void> {
  const knownBots = await knownBotsSince(store, request.since);
  const registryPrefixes = (await store.listIsps()).flatMap((isp) => isp.prefixes);
  const filter = { knownBots, allowlist: request.allowlist, ownNetworks: createOwnNetworks([...registryPrefixes, ...request.ownNetworks]) };
  const sinceMs = Date.parse(request.since);
  const summary = request.flows
    ? aggregateEndpoints(request.flows, filter)
    : endpointsFromStoredContacts(await store.listCncContacts({ sinceHourMs: sinceMs - (sinceMs % 3_600_000) }), filter);
  const result = scoreEndpoints(summary, {
    feeds: createFeedIndex(await store.listCncFeedEntries()),
    options: { minimumConfidence: request.minimumConfidence },
  });
  await store.saveCncCandidates(result.candidates, new Date().toISOString());
  const read = request.flows ? `${result.flowsRead} flows` : `${result.flowsRead} flows of watched bots kept by 'flows collect' since ${request.since}`;
  io.stdout.write(
    `${read} (${result.flowsAllowlisted} to allowlisted destinations, ${result.flowsInternal} to the ${filter.ownNetworks.size} own networks), ${knownBots.size} known bots, ${result.scored.length} endpoints scored: ${result.candidates.length} C&C candidates stored (see 'opennotice cnc list')\n`,
  );
}

export interface DetectDomainsRequest {
  logFiles: readonly string[];
  /** Undefined: told from each log's first line. */
  logFormat: ResolverLogFormat | undefined;
  since: string;
  allowlist: Allowlist;
  minimumConfidence: number;
}

/** @example await runDetectDomains(store, { logFiles: ['/var/log/dnsmasq.log'], logFormat: undefined, since, allowlist, minimumConfidence: 0.5 }, io) */
export async function runDetectDomains(store: DetectionStore, request: DetectDomainsRequest, io: CommandIo): Promise<void> {
  const knownBots = await knownBotsSince(store, request.since);
  const domains = new DomainQueryCollector(knownBots, request.allowlist);
  // Every log is read before anything is stored: a bad line in the last one changes nothing.
  for (const file of request.logFiles) {
    const counts = await readResolverLog(file, request.logFormat, (query) => domains.add(query), Date.now());
    const partial = counts.partialLines > 0 ? ', the last line cut short (still being written) skipped' : '';
    io.stderr.write(`${file}: ${counts.format} log, ${counts.queries} queries, ${counts.otherLines} other lines${partial}\n`);
  }
  const result = scoreEndpoints(domains.summary(), {
    feeds: createFeedIndex(await store.listCncFeedEntries()),
    options: { minimumConfidence: request.minimumConfidence },
  });
  await store.saveCncCandidates(result.candidates, new Date().toISOString());
  io.stdout.write(
    `${result.flowsRead} queries (${result.flowsAllowlisted} of allowlisted or local names), ${knownBots.size} known bots, ${result.scored.length} names scored: ${result.candidates.length} domain candidates stored (see 'opennotice cnc list')\n`,
  );
}
