/**
 * The owner's or installer's contact a critical device's own web page shows. Solar monitors and
 * building controllers are commissioned by installers who often print their company, phone and
 * e-mail on the status or login page; with it the operator can reach whoever can fix the device
 * when the ISP cannot. Operator-only (core/records.ts OwnerContact): never exported or published.
 *
 * Page text is hostile input: only the first `pageChars` characters are read, scripts, styles
 * and comments are dropped before reading, every pattern has bounded repetition, and each field
 * is cut to its limit and must have its expected shape. Values are kept as text — a company name
 * that decodes to markup stays markup-as-text, and pages escape it when they show it.
 */
import type { OwnerContact, ServiceObservation } from '../core/records.ts';
import { decodeHtmlEntities } from '../protocols/http/html.ts';

/** How much is read and kept. 64 KiB is what the HTTP grab keeps of a body anyway. */
export const ownerContactLimits = { pageChars: 65_536, company: 80, phone: 32, email: 120 } as const;

const webProtocols = new Set(['http', 'https']);

// Labels as installers write them on Japanese and English pages.
const companyLabel =
  /(?:installer|installed by|installation company|company|contractor|maintained by|maintenance|service partner|施工会社|施工店|販売店|設置業者|販売会社|管理会社|保守会社|会社名)[ \t]*[:：][ \t]*([^\n]{2,200})/i;
const phoneLabel = /(?:tel|phone|telephone|電話番号|電話|連絡先)[ \t]*[:：.]?[ \t]*(\+?\d[\d \t()\-–.]{4,30}\d)/i;
const emailShape = /[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}/;
const controlCharacters = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The contact shown by the first web page of the device that shows one; undefined when none does.
 * @example extractOwnerContact(observations) // { company: 'Hikari Solar Service', phone: '03-1234-5678', source: { protocol: 'http', port: 80 } }
 */
export function extractOwnerContact(observations: readonly ServiceObservation[]): OwnerContact | undefined {
  for (const observation of observations) {
    if (!webProtocols.has(observation.protocol) || observation.status !== 'success') continue;
    const body = observation.result.body;
    if (typeof body !== 'string' || body.length === 0) continue;
    const contact = contactInPage(body.slice(0, ownerContactLimits.pageChars));
    if (contact) return { ...contact, source: { protocol: observation.protocol, port: observation.port } };
  }
  return undefined;
}

/**
 * The contact fields one page shows, read from its visible text.
 * @example contactInPage('<p>Installer: Hikari Solar</p><p>TEL 03-1234-5678</p>') // { company: 'Hikari Solar', phone: '03-1234-5678' }
 */
export function contactInPage(page: string): Omit<OwnerContact, 'source'> | undefined {
  const text = visibleText(page);
  const contact: Omit<OwnerContact, 'source'> = {};
  const company = cleanText(companyLabel.exec(text)?.[1], ownerContactLimits.company);
  if (company) contact.company = company;
  const phone = cleanPhone(phoneLabel.exec(text)?.[1]);
  if (phone) contact.phone = phone;
  // A mailto: link names the address even where the text shows only "contact us".
  const email = cleanEmail(/mailto:([^"'?\s>]{3,200})/i.exec(page)?.[1]) ?? cleanEmail(emailShape.exec(text)?.[0]);
  if (email) contact.email = email;
  return Object.keys(contact).length > 0 ? contact : undefined;
}

/** The page's text, one line per block: scripts, styles and comments dropped, tags made line breaks, entities decoded. */
function visibleText(page: string): string {
  const withoutCode = page
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
    .replace(/<(script|style|template|noscript)\b[^>]*>[\s\S]*?(?:<\/\1\s*>|$)/gi, ' ')
    .replace(/<[^>]*>/g, '\n');
  return decodeHtmlEntities(withoutCode)
    .split(/\r?\n/)
    .map((line) => line.replace(/[ \t\u00a0\u3000]+/g, ' ').trim())
    .filter((line) => line.length > 0)
    .join('\n');
}

function cleanText(value: string | undefined, limit: number): string | undefined {
  if (value === undefined) return undefined;
  const text = value.replace(controlCharacters, '').replace(/\s+/g, ' ').trim().slice(0, limit).trim();
  // Something a person could call: at least two letters (of any script), not just punctuation.
  return (text.match(/\p{L}/gu)?.length ?? 0) >= 2 ? text : undefined;
}

function cleanPhone(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const phone = value.replace(/[ \t]+/g, ' ').trim();
  const digits = phone.replace(/\D/g, '').length;
  // E.164 numbers have at most 15 digits; fewer than 6 is an extension or a year, not a number.
  return digits >= 6 && digits <= 15 && phone.length <= ownerContactLimits.phone ? phone : undefined;
}

function cleanEmail(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let address: string;
  try {
    address = decodeURIComponent(value).trim();
  } catch {
    return undefined;
  }
  const match = emailShape.exec(address);
  return match && match[0] === address && address.length <= ownerContactLimits.email ? address : undefined;
}
