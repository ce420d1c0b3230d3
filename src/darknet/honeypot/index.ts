/** Honeypot log import: evidence of infection from Cowrie logs (docs/honeypot.md). */
export { readCowrieLog, defaultMaxLineBytes, type CowrieLogOptions, type CowrieLogSource } from './read-cowrie-log.ts';
export { createCowrieAggregator, type CowrieAggregator, type CowrieAggregatorOptions } from './cowrie-aggregator.ts';
export { judgeHoneypotEvidence, defaultBotLoginAttempts, type HoneypotEvidence, type HoneypotVerdict } from './verdict.ts';
export type { HoneypotFile, HoneypotReport, HoneypotSource, HoneypotStats, IsoTime } from './types.ts';
