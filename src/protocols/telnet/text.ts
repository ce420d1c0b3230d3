/**
 * Turning a terminal's output into text people and rules can read, and recognising
 * the prompt a device is waiting at. Pure functions; part of the telnet codec.
 */

export type PromptKind = 'login' | 'password' | 'shell' | 'none';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Printable text from raw terminal bytes (commands already removed): UTF-8 when the
 * bytes are valid UTF-8, Latin-1 otherwise; ANSI escape sequences removed; CR LF,
 * LF CR, CR NUL and lone CR become "\n"; other control characters dropped.
 * @example deviceText(Buffer.from('\x1b[1mBusyBox\x1b[0m\r\nlogin: ')) // "BusyBox\nlogin: "
 */
export function deviceText(bytes: Buffer): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = bytes.toString('latin1');
  }
  return text
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '') // CSI: colours, cursor moves
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g, '') // OSC: window titles
    .replace(/\x1b[@-_]?/g, '') // any other escape
    .replace(/\r\n|\n\r|\r\0|\r/g, '\n')
    .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '');
}

/**
 * True when most of the bytes are neither printable ASCII, common whitespace nor
 * plausible UTF-8/Latin-1 text: the peer is not a terminal.
 * @example isMostlyBinary(Buffer.from([0, 1, 2, 200, 3])) // true
 */
export function isMostlyBinary(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  let control = 0;
  for (const byte of bytes) {
    const whitespace = byte === 9 || byte === 10 || byte === 13 || byte === 0x1b;
    if ((byte < 0x20 && !whitespace) || byte === 0x7f) control++;
  }
  return control / bytes.length > 0.1;
}

/** The text after the last line break: where a prompt waits for input. */
export function lastLine(text: string): string {
  return text.slice(text.lastIndexOf('\n') + 1);
}

const passwordPrompt = /\b(?:pass(?:word|wd|code|phrase)?|pwd)\b[^\n]{0,32}[:>]\s*$/i;
const loginPrompt = /\b(?:log ?in|user(?: ?name| ?id)?|account|login as)\b[^\n]{0,24}[:>]\s*$/i;
const shellPrompt = /[#$%>]\s*$/;
/** Lines like "########" or "=====>" are banner decoration, not prompts. */
const decoration = /^(.)\1{3,}/;

/**
 * What a line (normally the unfinished last line) asks for.
 * @example classifyPrompt('(none) login: ') // 'login'
 * @example classifyPrompt('~ # ') // 'shell'
 */
export function classifyPrompt(line: string): PromptKind {
  const trimmed = line.trim();
  if (trimmed.length === 0 || trimmed.length > 96) return 'none';
  if (passwordPrompt.test(trimmed)) return 'password';
  if (loginPrompt.test(trimmed)) return 'login';
  if (shellPrompt.test(trimmed) && !decoration.test(trimmed) && !/^</.test(trimmed)) return 'shell';
  return 'none';
}

export interface PromptSplit {
  /** Text before the prompt line (all text when no prompt was recognised), trimmed, capped. */
  banner: string;
  /** Last non-empty line, trimmed. */
  prompt: string;
  promptKind: PromptKind;
}

/**
 * Split a device's output into banner and prompt.
 * @example splitPrompt('\nBusyBox v1.19\n\nDVR login: ') // { banner: 'BusyBox v1.19', prompt: 'DVR login:', promptKind: 'login' }
 */
export function splitPrompt(text: string, maxBannerChars = 8192): PromptSplit {
  const trimmedEnd = text.trimEnd();
  const promptStart = trimmedEnd.lastIndexOf('\n') + 1;
  const prompt = trimmedEnd.slice(promptStart).trim();
  // Only the unfinished last line can be a prompt; a line followed by a break is banner.
  const unfinished = lastLine(text).trim();
  const promptKind = unfinished.length > 0 ? classifyPrompt(unfinished) : 'none';
  const bannerText = promptKind === 'none' ? trimmedEnd : trimmedEnd.slice(0, promptStart);
  return { banner: capText(bannerText.trim(), maxBannerChars), prompt: capText(prompt, 256), promptKind };
}

function capText(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : text.slice(0, maxChars);
}
