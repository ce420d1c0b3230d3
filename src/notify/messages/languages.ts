/**
 * The languages notices and advice are written in, and where the shipped texts live. Its own
 * file so that the e-mail templates and the device advice, which the templates load, share
 * them without importing each other.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const messageLanguages = ['ja', 'en'] as const;
export type MessageLanguage = (typeof messageLanguages)[number];

/** Directory of the shipped texts. */
export const defaultMessagesDirectory = path.dirname(fileURLToPath(import.meta.url));
