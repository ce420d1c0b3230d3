/**
 * The detector's input from what the flow collector kept (contact-recorder.ts): the same
 * EndpointFigures a flow file gives, so the same rules score them. Rows of one key from
 * several flushes are merged here. A source watched as a bot when the flows came but no longer
 * a known bot now counts as another source; a bot found since counted as another source then
 * (its contacts were only sketched), so it is among the others.
 */
import type { CncContactBatch } from './contact-recorder.ts';
import { createDestinationFilter, type DestinationFilterRequest } from './destination-filter.ts';
import type { EndpointFigures, EndpointSummary } from './detect.ts';
import { SourceSketch } from './source-sketch.ts';

interface StoredEndpoint extends EndpointFigures {
  otherSketch: SourceSketch;
  /** Sources watched then, not known bots now. */
  formerBots: Set<string>;
}

/**
 * @example scoreEndpoints(endpointsFromStoredContacts(await store.listCncContacts({ sinceHourMs }), { knownBots, allowlist }), { feeds })
 */
export function endpointsFromStoredContacts(stored: CncContactBatch, request: DestinationFilterRequest): EndpointSummary {
  const excluded = createDestinationFilter(request);
  const endpoints = new Map<string, StoredEndpoint>();
  const endpointOf = (destination: string, port: number, protocol: number, firstMs: number, lastMs: number): StoredEndpoint => {
    const key = `${destination}|${port}|${protocol}`;
    let figures = endpoints.get(key);
    if (!figures) {
      figures = {
        endpoint: destination,
        port,
        protocol,
        botContacts: new Map(),
        otherSourceCount: 0,
        otherSketch: new SourceSketch(),
        formerBots: new Set(),
        firstMs,
        lastMs,
      };
      endpoints.set(key, figures);
    }
    if (firstMs < figures.firstMs) figures.firstMs = firstMs;
    if (lastMs > figures.lastMs) figures.lastMs = lastMs;
    return figures;
  };

  const botSources = new Set<string>();
  const formerBotSources = new Set<string>();
  let flowsRead = 0;
  let flowsAllowlisted = 0;
  let flowsInternal = 0;
  for (const row of stored.botContacts) {
    const isBot = request.knownBots.has(row.botAddress);
    (isBot ? botSources : formerBotSources).add(row.botAddress);
    flowsRead += row.flows;
    const because = excluded(row.destinationAddress);
    if (because !== undefined) {
      if (because === 'allowlisted') flowsAllowlisted += row.flows;
      else if (because === 'own-network') flowsInternal += row.flows;
      continue;
    }
    const figures = endpointOf(row.destinationAddress, row.destinationPort, row.protocol, row.firstMs, row.lastMs);
    if (!isBot) {
      figures.formerBots.add(row.botAddress);
      continue;
    }
    const times = figures.botContacts.get(row.botAddress);
    if (times) times.push(...row.contactStartsMs);
    else figures.botContacts.set(row.botAddress, [...row.contactStartsMs]);
  }
  for (const row of stored.endpointOtherSources) {
    // The store returns only endpoints some bot contacted; one left out above stays out.
    const figures = endpoints.get(`${row.destinationAddress}|${row.destinationPort}|${row.protocol}`);
    if (!figures) continue;
    figures.otherSketch.merge(SourceSketch.parse(row.otherSourcesSketch));
    if (row.firstMs < figures.firstMs) figures.firstMs = row.firstMs;
    if (row.lastMs > figures.lastMs) figures.lastMs = row.lastMs;
  }
  const population = new SourceSketch();
  for (const row of stored.population) population.merge(SourceSketch.parse(row.otherSourcesSketch));
  const sources = botSources.size + formerBotSources.size + population.estimate();

  const figures: EndpointFigures[] = [...endpoints.values()].map(({ otherSketch, formerBots, ...rest }) => ({
    ...rest,
    otherSourceCount: otherSketch.estimate() + formerBots.size,
  }));
  return { endpoints: figures, populationBotShare: sources === 0 ? 0 : botSources.size / sources, flowsRead, flowsAllowlisted, flowsInternal };
}
