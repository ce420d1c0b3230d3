/**
 * Running figures for one attacking address, with every list capped so that a source's
 * memory stays bounded however long it attacks (worst case ~13 000 characters of kept text,
 * so ~25 KB; a typical source keeps well under 1 KB).
 */
import type { CowrieEvent } from './cowrie-event.ts';
import type { HoneypotFile, HoneypotSource } from './types.ts';
import { judgeHoneypotEvidence, type HoneypotEvidence } from './verdict.ts';

/** List caps; small, because these are samples for a person reading a report. */
export const tallyLimits = {
  usernamesReported: 10,
  /** Space-Saving slots: counts are exact while a source uses at most this many usernames. */
  usernameSlots: 20,
  commandSamples: 10,
  downloads: 20,
  clientVersions: 5,
  sensors: 10,
  protocols: 5,
} as const;

export interface SourceTally extends HoneypotEvidence {
  ip: string;
  firstSeen: number;
  lastSeen: number;
  sessions: number;
  protocols: string[];
  usernameSlots: Array<{ username: string; count: number }>;
  commandSamples: string[];
  downloads: HoneypotFile[];
  clientVersions: string[];
  sensors: string[];
}

/** @example const tally = newSourceTally('192.0.2.7', Date.now()) */
export function newSourceTally(ip: string, time: number): SourceTally {
  return {
    ip,
    firstSeen: time,
    lastSeen: time,
    sessions: 0,
    protocols: [],
    loginAttempts: 0,
    loginSuccesses: 0,
    commands: 0,
    fileTransfers: 0,
    tcpForwards: 0,
    usernameSlots: [],
    commandSamples: [],
    downloads: [],
    clientVersions: [],
    sensors: [],
  };
}

/**
 * Fold one event into its source's tally (sessions are counted by the caller, which owns
 * the session table).
 * @example addEventToTally(tally, { kind: 'login-failed', time: 0, username: 'root' })
 */
export function addEventToTally(tally: SourceTally, event: CowrieEvent): void {
  if (event.time < tally.firstSeen) tally.firstSeen = event.time;
  if (event.time > tally.lastSeen) tally.lastSeen = event.time;
  if (event.protocol !== undefined) addDistinct(tally.protocols, event.protocol, tallyLimits.protocols);
  if (event.sensor !== undefined) addDistinct(tally.sensors, event.sensor, tallyLimits.sensors);
  switch (event.kind) {
    case 'login-success':
    case 'login-failed':
      tally.loginAttempts++;
      if (event.kind === 'login-success') tally.loginSuccesses++;
      if (event.username !== undefined) countUsername(tally.usernameSlots, event.username);
      break;
    case 'command':
      tally.commands++;
      if (event.input !== undefined && event.input.trim() !== '') addDistinct(tally.commandSamples, event.input, tallyLimits.commandSamples);
      break;
    case 'download':
    case 'download-failed':
    case 'upload':
      tally.fileTransfers++;
      addFile(tally.downloads, event);
      break;
    case 'client-version':
      if (event.version !== undefined) addDistinct(tally.clientVersions, event.version, tallyLimits.clientVersions);
      break;
    case 'tcp-forward':
      tally.tcpForwards++;
      break;
    default:
      break;
  }
}

/**
 * The reported form, verdict included.
 * @example finishTally(tally, 10).verdict // 'probe'
 */
export function finishTally(tally: SourceTally, botLoginAttempts: number): HoneypotSource {
  const usernames = [...tally.usernameSlots]
    .sort((a, b) => b.count - a.count || (a.username < b.username ? -1 : a.username > b.username ? 1 : 0))
    .slice(0, tallyLimits.usernamesReported)
    .map(({ username, count }) => ({ username, count }));
  return {
    ip: tally.ip,
    firstSeen: new Date(tally.firstSeen).toISOString(),
    lastSeen: new Date(tally.lastSeen).toISOString(),
    sessions: tally.sessions,
    protocols: [...tally.protocols],
    loginAttempts: tally.loginAttempts,
    loginSuccesses: tally.loginSuccesses,
    usernames,
    commands: tally.commands,
    commandSamples: [...tally.commandSamples],
    downloads: tally.downloads.map((file) => ({ ...file })),
    clientVersions: [...tally.clientVersions],
    sensors: [...tally.sensors],
    ...judgeHoneypotEvidence(tally, botLoginAttempts),
  };
}

function addDistinct(list: string[], value: string, cap: number): void {
  if (list.length < cap && !list.includes(value)) list.push(value);
}

function addFile(list: HoneypotFile[], event: CowrieEvent): void {
  if (list.length >= tallyLimits.downloads) return;
  if (event.url === undefined && event.sha256 === undefined) return;
  if (list.some((file) => file.url === event.url && file.sha256 === event.sha256)) return;
  const file: HoneypotFile = {};
  if (event.url !== undefined) file.url = event.url;
  if (event.sha256 !== undefined) file.sha256 = event.sha256;
  list.push(file);
}

/**
 * Space-Saving (Metwally et al., 2005): a new username takes a free slot, or replaces the
 * smallest count and inherits it plus one. Exact while the source uses no more usernames
 * than there are slots; beyond that a count may overstate by the count it replaced.
 */
function countUsername(slots: Array<{ username: string; count: number }>, username: string): void {
  const existing = slots.find((slot) => slot.username === username);
  if (existing !== undefined) {
    existing.count++;
    return;
  }
  if (slots.length < tallyLimits.usernameSlots) {
    slots.push({ username, count: 1 });
    return;
  }
  let smallest = slots[0]!;
  for (const slot of slots) if (slot.count < smallest.count) smallest = slot;
  smallest.username = username;
  smallest.count++;
}
