/**
 * What the flow collector keeps for the C&C detector, beside the hourly aggregates (which cut
 * every source to its /24 and so lose which source was a bot): per hour,
 *   - for each watched source (a known bot) and destination endpoint: flows, packets, bytes,
 *     first and last flow, and the flow start times the beaconing rule reads (at most
 *     `maxContactStartsPerRow` a row);
 *   - for each destination endpoint: a sketch of its distinct other (non-bot) sources, and
 *     the first and last flow of those sources;
 *   - one sketch of every other source seen, the population the lift is measured against.
 * Other sources' addresses are never kept, only sketched (source-sketch.ts).
 */
import { HOUR_MS } from '../flows/flow-aggregates.ts';
import type { FlowRecord } from '../flows/flow-record.ts';
import { SourceSketch } from './source-sketch.ts';

/** Start times kept per bot, endpoint and hour: one every 10 s, more than any beaconing rhythm worth judging needs. */
export const maxContactStartsPerRow = 360;
/** Distinct endpoints kept per bot and hour: a scanning bot touches thousands; the rest of its flows that hour are counted, not kept. */
export const maxEndpointsPerBotHour = 5000;

export interface BotContactRow {
  hourMs: number;
  botAddress: string;
  destinationAddress: string;
  destinationPort: number;
  protocol: number;
  flows: number;
  packets: number;
  bytes: number;
  firstMs: number;
  lastMs: number;
  /** Flow start times (epoch ms), ascending, at most maxContactStartsPerRow. */
  contactStartsMs: number[];
}

export interface EndpointOtherSourcesRow {
  hourMs: number;
  destinationAddress: string;
  destinationPort: number;
  protocol: number;
  /** SourceSketch of the distinct sources that were not watched bots, serialized. */
  otherSourcesSketch: string;
  firstMs: number;
  lastMs: number;
}

export interface PopulationRow {
  hourMs: number;
  /** SourceSketch of every source that was not a watched bot this hour. */
  otherSourcesSketch: string;
}

/** One flush's worth: what the store adds. */
export interface CncContactBatch {
  botContacts: BotContactRow[];
  endpointOtherSources: EndpointOtherSourcesRow[];
  population: PopulationRow[];
}

interface OtherSourcesEntry {
  hourMs: number;
  destinationAddress: string;
  destinationPort: number;
  protocol: number;
  sketch: SourceSketch;
  firstMs: number;
  lastMs: number;
}

/**
 * The collector's consumer for the C&C analysis: `add` each batch of flows, `drain` what to
 * store. Memory is bounded by one flush period's endpoints, like the aggregator's.
 * @example
 * const recorder = new CncContactRecorder(new Set(['10.0.0.7']))
 * recorder.add(flows)
 * await store.addCncContacts(recorder.drain())
 */
export class CncContactRecorder {
  #watched: ReadonlySet<string>;
  readonly #botContacts = new Map<string, BotContactRow>();
  readonly #endpointsPerBotHour = new Map<string, number>();
  readonly #otherSources = new Map<string, OtherSourcesEntry>();
  readonly #population = new Map<number, SourceSketch>();
  #flowsOverCap = 0;

  constructor(watchedSources: ReadonlySet<string>) {
    this.#watched = watchedSources;
  }

  /** The known bots changed (the collector refreshes them from the store): later flows are judged by the new set. */
  watch(sources: ReadonlySet<string>): void {
    this.#watched = sources;
  }

  get watchedSources(): number {
    return this.#watched.size;
  }

  /** Flows of bots beyond maxEndpointsPerBotHour, counted and not kept (since the start). */
  get flowsOverCap(): number {
    return this.#flowsOverCap;
  }

  add(flows: readonly FlowRecord[]): void {
    for (const flow of flows) {
      const hourMs = flow.startMs - (flow.startMs % HOUR_MS);
      if (this.#watched.has(flow.sourceAddress)) this.#addBotContact(hourMs, flow);
      else this.#addOtherSource(hourMs, flow);
    }
  }

  #addBotContact(hourMs: number, flow: FlowRecord): void {
    const key = `${hourMs} ${flow.sourceAddress} ${flow.destinationAddress} ${flow.destinationPort} ${flow.protocol}`;
    const row = this.#botContacts.get(key);
    if (row) {
      row.flows++;
      row.packets += flow.packets;
      row.bytes += flow.bytes;
      if (flow.startMs < row.firstMs) row.firstMs = flow.startMs;
      if (flow.endMs > row.lastMs) row.lastMs = flow.endMs;
      if (row.contactStartsMs.length < maxContactStartsPerRow) row.contactStartsMs.push(flow.startMs);
      return;
    }
    const botHour = `${hourMs} ${flow.sourceAddress}`;
    const endpoints = this.#endpointsPerBotHour.get(botHour) ?? 0;
    if (endpoints >= maxEndpointsPerBotHour) {
      this.#flowsOverCap++;
      return;
    }
    this.#endpointsPerBotHour.set(botHour, endpoints + 1);
    this.#botContacts.set(key, {
      hourMs,
      botAddress: flow.sourceAddress,
      destinationAddress: flow.destinationAddress,
      destinationPort: flow.destinationPort,
      protocol: flow.protocol,
      flows: 1,
      packets: flow.packets,
      bytes: flow.bytes,
      firstMs: flow.startMs,
      lastMs: flow.endMs,
      contactStartsMs: [flow.startMs],
    });
  }

  #addOtherSource(hourMs: number, flow: FlowRecord): void {
    const key = `${hourMs} ${flow.destinationAddress} ${flow.destinationPort} ${flow.protocol}`;
    let entry = this.#otherSources.get(key);
    if (!entry) {
      entry = {
        hourMs,
        destinationAddress: flow.destinationAddress,
        destinationPort: flow.destinationPort,
        protocol: flow.protocol,
        sketch: new SourceSketch(),
        firstMs: flow.startMs,
        lastMs: flow.endMs,
      };
      this.#otherSources.set(key, entry);
    }
    const hash = SourceSketch.hashOf(flow.sourceAddress);
    entry.sketch.addHash(hash);
    if (flow.startMs < entry.firstMs) entry.firstMs = flow.startMs;
    if (flow.endMs > entry.lastMs) entry.lastMs = flow.endMs;
    let population = this.#population.get(hourMs);
    if (!population) {
      population = new SourceSketch();
      this.#population.set(hourMs, population);
    }
    population.addHash(hash);
  }

  /** Takes everything out and starts empty. The store keeps each batch as rows of its own and merges them when read, so a batch whose write failed can go out again with the next one. */
  drain(): CncContactBatch {
    const batch: CncContactBatch = {
      botContacts: [...this.#botContacts.values()].map((row) => ({ ...row, contactStartsMs: row.contactStartsMs.sort((a, b) => a - b) })),
      endpointOtherSources: [...this.#otherSources.values()].map(({ sketch, ...row }) => ({ ...row, otherSourcesSketch: sketch.serialize() })),
      population: [...this.#population].map(([hourMs, sketch]) => ({ hourMs, otherSourcesSketch: sketch.serialize() })),
    };
    this.#botContacts.clear();
    this.#endpointsPerBotHour.clear();
    this.#otherSources.clear();
    this.#population.clear();
    return batch;
  }
}
