/**
 * What a caller asks a survey to do. Every caller builds one — the `survey` command from its
 * options, `track resurvey` from what was notified, the demo, the benchmarks, a scheduler —
 * and `survey/policy.ts` turns it into what the survey will really do: the plan is the
 * authority (a request may narrow it, never widen it), approved opt-outs are always excluded,
 * and defaults apply. Plain data (paths, not open files), so it can be logged, stored or sent
 * to another machine as JSON.
 */
import type { OpenPort } from '../core/records.ts';
import type { InputFormatName } from '../discover/import.ts';
import type { ProbeBudget } from './probe-planner/plan.ts';

/** The checks a request may ask for; discovery and identification always run. */
export const requestableChecks = ['credentials', 'firmware'] as const;
export type RequestableCheck = (typeof requestableChecks)[number];

/** Bounds a request may set; each is capped by the plan's and has a default (see policy.ts). */
export interface SurveyLimits {
  /** New connections per second, all targets together. */
  connectionsPerSecond?: number;
  /** Connections open at once, all targets together. */
  maxConcurrent?: number;
  /** Connections open at once to one address. */
  perHostConcurrent?: number;
  /** TCP handshake timeout. */
  connectTimeoutMs?: number;
  /** Longest wait for the next bytes of a connection. */
  ioTimeoutMs?: number;
  /** Longest life of one connection. */
  deadlineMs?: number;
  /** Most bytes read from one connection. */
  maxBytes?: number;
  /** Requests (probes, TLS handshakes) spent finding a silent service's protocol; 0 probes nothing. */
  maxProbes?: number;
  /** UDP requests sent again to a service that did not answer (io-timeout); 0 sends each once. */
  udpRetries?: number;
  /** Login attempts on one service. */
  maxAttemptsPerService?: number;
  /** Login attempts on one address, all services together. */
  maxAttemptsPerHost?: number;
}

/** Where the open ports come from. */
export type DiscoverySource =
  /** The built-in TCP connect scan over every target address and port, in a seeded order. */
  | { kind: 'connect-scan' }
  /** A ZMap or masscan output file. */
  | { kind: 'file'; file: string; format?: InputFormatName; port?: number; transport?: 'tcp' | 'udp'; skipInvalid?: boolean }
  /** Known open ports (a re-survey of notified findings); a refused connection then closes their findings. */
  | { kind: 'open-ports'; openPorts: readonly OpenPort[] }
  /**
   * The connect scan over a planned part of the sweep: the probe planner (survey/probe-planner/)
   * picks, from what the store knows, the (address, port) pairs likeliest to show findings,
   * within a budget (a share of the full sweep, or a count). Scope, opt-outs and plan still rule.
   */
  | { kind: 'planned-probes'; budget: ProbeBudget; explorationShare?: number };

export interface SurveyRequest {
  /** CIDRs to survey; empty or absent means the plan's ranges (or, with a file of open ports, whatever it names inside the scope). */
  targets?: readonly string[];
  /**
   * Path of a hit list (one IPv4 or IPv6 address a line): the connect scan then visits exactly
   * its addresses that the scope allows, instead of sweeping the scope. IPv6 scopes larger than
   * a /120 are surveyed only this way (or from a scan file). Default: the plan's hitList.
   */
  hitList?: string;
  /** CIDRs never to contact, on top of the plan's exclusions, the blocklist and the approved opt-outs. */
  exclude?: readonly string[];
  /** Path of the approved survey plan; required for any address outside loopback. */
  plan?: string;
  /** Ports to survey; default: the plan's, else every protocol's default ports. */
  ports?: readonly number[];
  /**
   * UDP ports to survey, each sent its UDP protocol's request; default: the plan's `udpPorts`,
   * else every UDP protocol's default ports. Empty: no UDP.
   */
  udpPorts?: readonly number[];
  /**
   * A DNS name the operator controls that DNS services may be asked to resolve recursively (the
   * open-resolver check); default: the plan's `resolverCheckName`, which a request may not change.
   */
  resolverCheckName?: string;
  /**
   * Threads that hand the UDP sweep's datagrams to the kernel (ZMap's sender threads); 0 sends
   * from the survey's own thread. Default: 1 from 5,000 packets a second on, else 0. Not a
   * limit: the packet rate stays the plan's whatever the threads.
   */
  senderThreads?: number;
  checks?: readonly RequestableCheck[];
  limits?: SurveyLimits;
  /** Path of a credential dictionary; default: the plan's credential list, else the shipped one. */
  dictionary?: string;
  /**
   * Fingerprint rules beside the shipped ones: folders or files of our YAML rules and of Recog
   * XML databases, in order (docs/fingerprints.md, "Precedence"). Identification only: they
   * change what a device is called, never what is contacted.
   */
  rules?: readonly string[];
  /** Seed of the target order (same seed, same order); default 1. */
  seed?: number;
  /** Continue this interrupted run: same scope, ports, seed and checks; saved hosts are not surveyed again. */
  resume?: number;
  /** Default: the connect scan. */
  discovery?: DiscoverySource;
  /** HTTP User-Agent; default names the plan's transparency page. */
  userAgent?: string;
  /**
   * Checks in a row that must fail to reproduce an open finding before it is closed (default 1).
   * Re-surveys of notified findings use 2 or more, so one flaky check is not counted as a fix.
   */
  closeAfterMisses?: number;
  /**
   * The addresses connections leave from: a subset of the plan's published sourceAddresses
   * (a distributed survey's worker names its own machine's); default: all of the plan's.
   */
  sourceAddresses?: readonly string[];
  /**
   * Survey one shard of a distributed run (src/distributed/): the run was started by the
   * coordinator and is continued here as with `resume` (its scope, ports, seed, checks), but only
   * the shard's addresses are visited, the run is left open for the coordinator to finish, and
   * firmware is assessed by the coordinator once every shard is done.
   */
  shard?: SurveyShard;
}

/** One of `count` disjoint shards of a stored run's addresses (scope/address-shards.ts). */
export interface SurveyShard {
  runId: number;
  index: number;
  count: number;
}
