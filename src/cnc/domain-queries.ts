/**
 * Domain candidates from resolver query logs: flows carry addresses, so the names bots call
 * home to come from what they ask the ISP's resolvers. Each queried name is an endpoint
 * (port 0, protocol 0), each query a contact, each client a source: the detector's rules then
 * apply as they are — fan-in of known bots, lift over the clients' share of bots, the rhythm of
 * the bots' queries, repeated queries, feed listings (URLhaus hosts). Left out: allowlisted
 * names (and names under them), reverse lookups (.arpa), single-label names (local) and names
 * a blocklist could not carry (isDomainName: an approved candidate must be exportable).
 * The clients' addresses are held in memory while the logs are read, never stored.
 */
import { isDomainName } from '../blocklist/indicator-list.ts';
import type { Allowlist } from './allowlist.ts';
import type { EndpointFigures, EndpointSummary } from './detect.ts';
import type { ResolverQuery } from './resolver-log.ts';

interface DomainFigures extends EndpointFigures {
  otherSources: Set<string>;
}

/**
 * @example
 * const domains = new DomainQueryCollector(knownBots, loadAllowlist())
 * await readResolverLog(file, undefined, (query) => domains.add(query), Date.now())
 * const { candidates } = scoreEndpoints(domains.summary(), { feeds })
 */
export class DomainQueryCollector {
  readonly #knownBots: ReadonlySet<string>;
  readonly #allowlist: Allowlist;
  readonly #domains = new Map<string, DomainFigures | 'excluded'>();
  readonly #clients = new Set<string>();
  #queriesRead = 0;
  #queriesAllowlisted = 0;

  constructor(knownBots: ReadonlySet<string>, allowlist: Allowlist) {
    this.#knownBots = knownBots;
    this.#allowlist = allowlist;
  }

  add(query: ResolverQuery): void {
    this.#queriesRead++;
    this.#clients.add(query.client);
    let figures = this.#domains.get(query.name);
    if (figures === undefined) {
      const excluded =
        !query.name.includes('.') || query.name.endsWith('.arpa') || !isDomainName(query.name) || this.#allowlist.match(query.name) !== undefined;
      figures = excluded
        ? 'excluded'
        : {
            endpointKind: 'domain',
            endpoint: query.name,
            port: 0,
            protocol: 0,
            botContacts: new Map(),
            otherSources: new Set(),
            otherSourceCount: 0,
            firstMs: query.atMs,
            lastMs: query.atMs,
          };
      this.#domains.set(query.name, figures);
    }
    if (figures === 'excluded') {
      this.#queriesAllowlisted++;
      return;
    }
    if (query.atMs < figures.firstMs) figures.firstMs = query.atMs;
    if (query.atMs > figures.lastMs) figures.lastMs = query.atMs;
    if (this.#knownBots.has(query.client)) {
      const times = figures.botContacts.get(query.client);
      if (times) times.push(query.atMs);
      else figures.botContacts.set(query.client, [query.atMs]);
    } else figures.otherSources.add(query.client);
  }

  /** The names as the detector's endpoints ("flows" are queries here; "allowlisted" also counts the local, reverse and unexportable names). */
  summary(): EndpointSummary {
    let bots = 0;
    for (const client of this.#clients) if (this.#knownBots.has(client)) bots++;
    const endpoints: EndpointFigures[] = [];
    for (const figures of this.#domains.values()) {
      if (figures === 'excluded') continue;
      const { otherSources, ...rest } = figures;
      endpoints.push({ ...rest, otherSourceCount: otherSources.size });
    }
    return {
      endpoints,
      populationBotShare: this.#clients.size === 0 ? 0 : bots / this.#clients.size,
      flowsRead: this.#queriesRead,
      flowsAllowlisted: this.#queriesAllowlisted,
      flowsInternal: 0,
    };
  }
}
