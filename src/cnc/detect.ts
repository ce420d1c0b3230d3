/**
 * The C&C detector: pure functions from flows, the set of known bot addresses and the
 * allowlist to scored candidates. Rules, not a model, so the evidence an operator reads is the
 * reason the endpoint was chosen: many known bots contact it (fan-in) while other devices
 * mostly do not (lift over the population's share of bots), bots contact it on a rhythm
 * (beaconing) and again and again, and feeds list it. Weights: docs/cnc.md#confidence.
 */
import type { FlowRecord } from '../flows/flow-record.ts';
import type { Allowlist } from './allowlist.ts';
import { endpointBeaconing } from './beaconing.ts';
import type { Beaconing, CncCandidate } from './candidate.ts';
import { createDestinationFilter } from './destination-filter.ts';
import type { FeedIndex } from './feed-entry.ts';
import type { OwnNetworks } from './own-networks.ts';

export interface CncDetectionOptions {
  /** Known bots an endpoint needs before fan-in counts (default 3). */
  minimumBots: number;
  /** Bot share ÷ the population's bot share at or above which an endpoint is bot-heavy (default 3). */
  minimumLift: number;
  /** Confidence at or above which an endpoint becomes a candidate (default 0.5). */
  minimumConfidence: number;
}

/** Bot share below which an endpoint is not bot-specific, whatever its lift (more others than known bots contact it). */
export const minimumBotShare = 0.5;

export const defaultDetectionOptions: CncDetectionOptions = { minimumBots: 3, minimumLift: 3, minimumConfidence: 0.5 };

/** The rules' weights; they add up, then the sum is clamped to 0–1. */
export const confidenceWeights = {
  fanIn: 0.3,
  botHeavy: 0.15,
  /** Subtracted when other devices contact it as much as bots do, relative to the population (a popular destination, a decoy), or simply more others than bots. */
  popularWithOthers: -0.5,
  beaconing: 0.35,
  repeatedContact: 0.1,
  feedListed: 0.45,
} as const;

export interface CncDetectionRequest {
  flows: Iterable<FlowRecord>;
  /** Addresses known to be bots: infected findings, darknet scanners, honeypot bots. */
  knownBots: ReadonlySet<string>;
  allowlist: Allowlist;
  /** Destinations inside these are never scored (absent: all are external). */
  ownNetworks?: OwnNetworks;
  feeds?: FeedIndex;
  options?: Partial<CncDetectionOptions>;
}

/** What the detector learned about one endpoint, before scoring. */
export interface EndpointFigures {
  /** Absent: 'ip'. A domain (from resolver logs) has port 0 and protocol 0, and a feed listing it on any port counts. */
  endpointKind?: 'ip' | 'domain';
  endpoint: string;
  port: number;
  protocol: number;
  /** Contact start times (epoch ms) of each known bot. */
  botContacts: Map<string, number[]>;
  /** Distinct other sources (exact from a flow file, estimated from what the collector keeps). */
  otherSourceCount: number;
  firstMs: number;
  lastMs: number;
}

/** The endpoints of one input, ready to score: from a flow file (aggregateEndpoints) or from the store (stored-contacts.ts). */
export interface EndpointSummary {
  endpoints: Iterable<EndpointFigures>;
  /** Known bots among all sources: the baseline the lift is measured against. */
  populationBotShare: number;
  /** Flows read (from the store: the known bots' flows). */
  flowsRead: number;
  flowsAllowlisted: number;
  /** Flows to destinations inside the operator's own networks, left out. */
  flowsInternal: number;
}

export interface CncDetectionResult {
  /** Candidates, most confident first. */
  candidates: CncCandidate[];
  /** Every endpoint scored (candidates or not), for measuring and for a learned scorer. */
  scored: Array<{ figures: EndpointFigures; candidate: CncCandidate }>;
  /** Known bots among all sources: the baseline the lift is measured against. */
  populationBotShare: number;
  flowsRead: number;
  flowsAllowlisted: number;
  flowsInternal: number;
}

/**
 * Group flows by destination endpoint (address, port, protocol). Flows to a known bot are left
 * out (they are scans of it, or replies), and so are allowlisted destinations and those inside
 * the operator's own networks.
 * @example aggregateEndpoints(flows, { knownBots: bots, allowlist: loadAllowlist() })
 */
export function aggregateEndpoints(
  flows: Iterable<FlowRecord>,
  request: Pick<CncDetectionRequest, 'knownBots' | 'allowlist' | 'ownNetworks'>,
): EndpointSummary {
  const knownBots = request.knownBots;
  const excluded = createDestinationFilter(request);
  const endpoints = new Map<string, EndpointFigures & { otherSources: Set<string> }>();
  const sources = new Set<string>();
  let flowsRead = 0;
  let flowsAllowlisted = 0;
  let flowsInternal = 0;
  for (const flow of flows) {
    flowsRead++;
    sources.add(flow.sourceAddress);
    const destination = flow.destinationAddress;
    const because = excluded(destination);
    if (because !== undefined) {
      if (because === 'allowlisted') flowsAllowlisted++;
      else if (because === 'own-network') flowsInternal++;
      continue;
    }
    const key = `${destination}|${flow.destinationPort}|${flow.protocol}`;
    let figures = endpoints.get(key);
    if (!figures) {
      figures = {
        endpoint: destination,
        port: flow.destinationPort,
        protocol: flow.protocol,
        botContacts: new Map(),
        otherSources: new Set(),
        otherSourceCount: 0,
        firstMs: flow.startMs,
        lastMs: flow.endMs,
      };
      endpoints.set(key, figures);
    }
    if (flow.startMs < figures.firstMs) figures.firstMs = flow.startMs;
    if (flow.endMs > figures.lastMs) figures.lastMs = flow.endMs;
    if (knownBots.has(flow.sourceAddress)) {
      const times = figures.botContacts.get(flow.sourceAddress);
      if (times) times.push(flow.startMs);
      else figures.botContacts.set(flow.sourceAddress, [flow.startMs]);
    } else figures.otherSources.add(flow.sourceAddress);
  }
  let botSources = 0;
  for (const source of sources) if (knownBots.has(source)) botSources++;
  const figures: EndpointFigures[] = [...endpoints.values()].map(({ otherSources, ...rest }) => ({ ...rest, otherSourceCount: otherSources.size }));
  return { endpoints: figures, populationBotShare: sources.size === 0 ? 0 : botSources / sources.size, flowsRead, flowsAllowlisted, flowsInternal };
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/**
 * Score one endpoint with the rules; the evidence names every rule that fired.
 * @example scoreEndpoint(figures, 0.1, defaultDetectionOptions, ['feodo']).confidence
 */
export function scoreEndpoint(figures: EndpointFigures, populationBotShare: number, options: CncDetectionOptions, feedsMatched: string[]): CncCandidate {
  const bots = figures.botContacts.size;
  const others = figures.otherSourceCount;
  const botShare = bots / (bots + others);
  const lift = populationBotShare > 0 ? botShare / populationBotShare : 0;
  const beaconing: Beaconing | undefined = bots > 0 ? endpointBeaconing(figures.botContacts.values()) : undefined;
  const contactsPerBot = [...figures.botContacts.values()].map((times) => times.length).sort((a, b) => a - b);
  const medianContacts = contactsPerBot.length === 0 ? 0 : contactsPerBot[contactsPerBot.length >> 1]!;

  let score = 0;
  const reasons: string[] = [];
  const contacted = figures.endpointKind === 'domain' ? 'queried' : 'contacted';
  if (bots >= options.minimumBots) {
    score += confidenceWeights.fanIn;
    reasons.push(`${contacted} by ${bots} known bots`);
  } else reasons.push(`${contacted} by ${bots} known bot${bots === 1 ? '' : 's'} (fewer than ${options.minimumBots})`);
  // Lift alone is not enough: bots are often mostly one vulnerable model, and that model's
  // vendor cloud then has several times the population's bot share. A C&C server is contacted
  // mostly by bots; a destination most of whose sources are not known bots is left alone.
  if (bots > 0 && lift >= options.minimumLift && botShare >= minimumBotShare) {
    score += confidenceWeights.botHeavy;
    reasons.push(`${others} other sources: bot share ${percent(botShare)}, ${lift.toFixed(1)}× the population's ${percent(populationBotShare)}`);
  } else if (others >= options.minimumBots && lift < options.minimumLift / 2) {
    score += confidenceWeights.popularWithOthers;
    reasons.push(
      `${others} other sources: bot share ${percent(botShare)}, about the population's ${percent(populationBotShare)} (a popular destination, not bot-specific)`,
    );
  } else if (others >= options.minimumBots && botShare < minimumBotShare) {
    score += confidenceWeights.popularWithOthers;
    reasons.push(
      `${others} other sources: bot share ${percent(botShare)} (${lift.toFixed(1)}× the population's ${percent(populationBotShare)}, but more others than bots: a destination of ordinary devices too, such as the cloud of a model many bots are)`,
    );
  } else reasons.push(`${others} other sources (bot share ${percent(botShare)})`);
  if (beaconing && beaconing.beaconingBots >= 2 && beaconing.beaconingBots * 2 >= bots) {
    score += confidenceWeights.beaconing;
    reasons.push(`${beaconing.beaconingBots} bots beacon every ~${beaconing.periodSeconds} s (regularity ${beaconing.regularity})`);
  }
  if (medianContacts >= 3) {
    score += confidenceWeights.repeatedContact;
    reasons.push(`a bot contacts it ${medianContacts} times (median)`);
  }
  if (feedsMatched.length > 0) {
    score += confidenceWeights.feedListed;
    reasons.push(`listed by ${feedsMatched.join(', ')}`);
  }
  const confidence = Math.round(Math.min(1, Math.max(0, score)) * 100) / 100;
  return {
    endpointKind: figures.endpointKind ?? 'ip',
    endpoint: figures.endpoint,
    port: figures.port,
    protocol: figures.protocol,
    botsContacting: bots,
    benignContacting: others,
    fanIn: bots + others,
    ...(beaconing ? { beaconing } : {}),
    firstSeen: new Date(figures.firstMs).toISOString(),
    lastSeen: new Date(figures.lastMs).toISOString(),
    feedsMatched,
    confidence,
    evidence: `${reasons.join('; ')}.`,
  };
}

/**
 * Score every endpoint a known bot contacted; those at or above the minimum confidence are the candidates.
 * @example scoreEndpoints(aggregateEndpoints(flows, request), request)
 */
export function scoreEndpoints(summary: EndpointSummary, request: Pick<CncDetectionRequest, 'feeds' | 'options'>): CncDetectionResult {
  const options = { ...defaultDetectionOptions, ...request.options };
  const scored: CncDetectionResult['scored'] = [];
  for (const figures of summary.endpoints) {
    // An endpoint no known bot contacted is never scored: nothing ties it to the bots.
    if (figures.botContacts.size === 0) continue;
    const feedsMatched = request.feeds?.feedsListing(figures.endpoint, figures.endpointKind === 'domain' ? undefined : figures.port) ?? [];
    scored.push({ figures, candidate: scoreEndpoint(figures, summary.populationBotShare, options, feedsMatched) });
  }
  const candidates = scored
    .map((entry) => entry.candidate)
    .filter((candidate) => candidate.confidence >= options.minimumConfidence)
    .sort((a, b) => b.confidence - a.confidence || b.botsContacting - a.botsContacting || a.endpoint.localeCompare(b.endpoint) || a.port - b.port);
  return {
    candidates,
    scored,
    populationBotShare: summary.populationBotShare,
    flowsRead: summary.flowsRead,
    flowsAllowlisted: summary.flowsAllowlisted,
    flowsInternal: summary.flowsInternal,
  };
}

/**
 * Find C&C candidates in flows.
 * @example
 * const { candidates } = detectCncCandidates({ flows, knownBots: new Set(['10.0.0.7']), allowlist: loadAllowlist() })
 */
export function detectCncCandidates(request: CncDetectionRequest): CncDetectionResult {
  return scoreEndpoints(aggregateEndpoints(request.flows, request), request);
}
