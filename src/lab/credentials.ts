/**
 * Where the lab's weak passwords come from: the project's shipped dictionary, limited
 * to its first entries by id (on-001 … on-030: Mirai's likeliest pairs, all of rank 1 to
 * 3), so a survey with the default dictionary can find every weak device — and strong
 * passwords nobody would guess. Picking by id keeps the population, and so the ground
 * truth, the same whatever else the dictionary gains or however it is ordered.
 */
import type { DictionaryEntry } from '../assess/credentials/dictionary.ts';
import { loadDictionary } from '../assess/credentials/dictionary.ts';
import type { Random } from '../core/random.ts';
import type { LabCredential } from './types.ts';

/**
 * Login tries per service the demo and the lab's end-to-end test allow, as a survey plan
 * would. Every weak pair of the lab is among the first this-many a survey tries on its
 * service, whatever the vendor identified (credentials.test.ts proves it), so the cap bounds
 * the time spent on the lab's many strong devices and never hides one of its weak ones.
 */
export const labAttemptsPerService = 40;

/**
 * Login tries per device the demo and the lab's end-to-end test allow: room for the per-service
 * cap on every login a lab device may run (telnet, SSH, FTP, HTTP and HTTPS, RTSP, MQTT with and
 * without TLS), so strong services earlier in port order never use up a weak one's share.
 */
export const labAttemptsPerHost = 8 * labAttemptsPerService;

/** Weak devices only use the dictionary entries on-001 … on-030. */
export const labDictionarySize = 30;

/**
 * The ids of the entries weak lab devices may use, in id order.
 * @example labDictionaryIds()[0] // 'on-001'
 */
export function labDictionaryIds(): string[] {
  return Array.from({ length: labDictionarySize }, (_, index) => `on-${String(index + 1).padStart(3, '0')}`);
}

/**
 * The dictionary entries weak lab devices may use, in id order.
 * @example labDictionary().length // 30
 */
export function labDictionary(entries: readonly DictionaryEntry[] = loadDictionary()): DictionaryEntry[] {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  return labDictionaryIds().map((id) => {
    const entry = byId.get(id);
    if (!entry) throw new Error(`the lab's weak pairs need dictionary entry ${id}, which the dictionary lacks`);
    return entry;
  });
}

/**
 * Choose the weak pair of one device: usually the vendor's factory default, sometimes
 * another common pair (a reseller's or a user's "simple" choice).
 * @example chooseWeakEntry(random, labDictionary(), 'on-015').id // 'on-015' four times in five
 */
export function chooseWeakEntry(random: Random, entries: readonly DictionaryEntry[], vendorDefaultId: string): DictionaryEntry {
  const vendorDefault = entries.find((entry) => entry.id === vendorDefaultId);
  if (!vendorDefault) throw new Error(`vendor default ${vendorDefaultId} is not among the lab's ${entries.length} dictionary entries`);
  if (random.chance(0.8)) return vendorDefault;
  // Earlier entries are the more common pairs: weight them higher.
  return random.weighted(entries, (entry) => entries.length + 5 - entries.indexOf(entry));
}

/** @example weakCredential(entry) // { username: 'root', password: 'xc3511', dictionaryEntryId: 'on-015' } */
export function weakCredential(entry: DictionaryEntry): LabCredential {
  return { username: entry.username, password: entry.password, dictionaryEntryId: entry.id };
}

const passwordAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!@#%';

/**
 * A 12–16 character random password that no dictionary entry has.
 * @example strongCredential(random, 'admin', new Set(['admin'])).password.length >= 12 // true
 */
export function strongCredential(random: Random, username: string, knownPasswords: ReadonlySet<string>): LabCredential {
  for (let attempt = 0; attempt < 10; attempt++) {
    const length = random.int(12, 16);
    let password = '';
    for (let index = 0; index < length; index++) password += passwordAlphabet[random.int(0, passwordAlphabet.length - 1)];
    if (!knownPasswords.has(password)) return { username, password };
  }
  throw new Error('could not draw a password outside the dictionary');
}
