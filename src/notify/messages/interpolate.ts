/**
 * Safe template filling for notification texts. One pass, left to right: a value is
 * inserted as-is and never scanned again, so a device calling itself "{program}" stays
 * literally that. Inline values lose control characters and line breaks (a device string
 * cannot start a new line or e-mail header); only the renderer's own blocks keep theirs.
 * A line that names a value nobody supplied (no contact address, no advice page) is left
 * out instead of being printed half-empty.
 */
import { singleLine } from '../render/text.ts';

/** `{name}`: letters and digits, starting with a letter. */
export const placeholderPattern = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/**
 * Names of the placeholders a template uses, in order of first use.
 * @example placeholdersOf('{a} {b} {a}') // ['a', 'b']
 */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(placeholderPattern)].map((match) => match[1]!))];
}

const placeholderSplitter = /\{([A-Za-z][A-Za-z0-9]*)\}/;

const unsafeInBlock = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Fill a template. `values` are inline text; `blocks` may span lines (the renderer's own
 * lists). Trailing blank lines are removed.
 * @example fill('Hello {name}\nContact: {contact}', { name: 'x' }) // 'Hello x' (no contact: that line is left out)
 */
export function fill(template: string, values: Readonly<Record<string, string | number | undefined>>, blocks: Readonly<Record<string, string>> = {}): string {
  const lines: string[] = [];
  for (const line of template.split('\n')) {
    if (!line.includes('{')) {
      lines.push(line);
      continue;
    }
    // split() with a capturing group: even indexes are literal text, odd ones placeholder names.
    const parts = line.split(placeholderSplitter);
    let missing = false;
    for (let index = 1; index < parts.length; index += 2) {
      const name = parts[index]!;
      if (blocks[name] !== undefined) parts[index] = blocks[name]!.replace(unsafeInBlock, ' ');
      else if (values[name] === undefined || values[name] === '') {
        missing = true;
        break;
      } else parts[index] = singleLine(values[name], 300);
    }
    if (!missing) lines.push(parts.join(''));
  }
  return lines.join('\n').trimEnd();
}
