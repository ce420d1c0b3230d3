/**
 * Where the lab's weak passwords come from: the project's shipped dictionary, limited
 * to its first entries (the common, realistic ones), so a survey with the default
 * dictionary can find every weak device — and strong passwords nobody would guess.
 */
import type { DictionaryEntry } from '../assess/credentials/dictionary.ts';
import { loadDictionary } from '../assess/credentials/dictionary.ts';
import type { Random } from '../core/random.ts';
import type { LabCredential } from './types.ts';

/** Weak devices only use the first this-many dictionary entries. */
export const labDictionarySize = 30;

/**
 * The dictionary entries weak lab devices may use.
 * @example labDictionary().length // 30
 */
export function labDictionary(entries: readonly DictionaryEntry[] = loadDictionary()): DictionaryEntry[] {
  return entries.slice(0, labDictionarySize);
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
