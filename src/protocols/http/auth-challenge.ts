/** One authentication challenge from WWW-Authenticate (RFC 9110 §11.6.1). */
export interface AuthChallenge {
  /** Lower-case scheme: basic, digest, negotiate, … */
  scheme: string;
  /** Lower-case parameter names; quoted values unquoted. `token68` holds a bare token. */
  params: Record<string, string>;
}

const tokenChar = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
const maxHeaderChars = 8192;

/**
 * Parse a WWW-Authenticate value (repeated headers already joined by ", ") into its
 * challenges. Tolerant: unquoted realms, spaces around "=", stray commas.
 * @example parseAuthChallenges('Digest realm="cam", nonce="ab", qop="auth", Basic realm="cam"')
 * // [{ scheme: 'digest', params: { realm: 'cam', nonce: 'ab', qop: 'auth' } }, { scheme: 'basic', params: { realm: 'cam' } }]
 */
export function parseAuthChallenges(value: string): AuthChallenge[] {
  const text = value.slice(0, maxHeaderChars);
  const challenges: AuthChallenge[] = [];
  let position = 0;

  const skip = (pattern: RegExp) => {
    while (position < text.length && pattern.test(text[position])) position++;
  };
  const readToken = (): string => {
    const start = position;
    while (position < text.length && tokenChar.test(text[position])) position++;
    return text.slice(start, position);
  };
  const readQuoted = (): string => {
    position++; // opening quote
    let result = '';
    while (position < text.length && text[position] !== '"') {
      if (text[position] === '\\' && position + 1 < text.length) position++;
      result += text[position++];
    }
    position++; // closing quote (or past the end)
    return result;
  };

  while (position < text.length) {
    skip(/[\s,]/);
    if (position >= text.length) break;
    const word = readToken();
    if (word.length === 0) {
      position++; // a character no grammar allows here: step over it
      continue;
    }
    skip(/[ \t]/);
    const current = challenges.at(-1);
    if (text[position] === '=' && current) {
      const equalsStart = position;
      skip(/=/);
      const equals = position - equalsStart;
      skip(/[ \t]/);
      // "abc==" or "abc=" at the end of a challenge is a token68 (base64-like), not a parameter.
      if (equals > 1 || text[position] === ',' || position >= text.length) {
        current.params.token68 = `${word}${'='.repeat(equals)}`;
        continue;
      }
      current.params[word.toLowerCase()] = text[position] === '"' ? readQuoted() : readUnquoted();
      continue;
    }
    challenges.push({ scheme: word.toLowerCase(), params: {} });
  }
  return challenges;

  function readUnquoted(): string {
    const start = position;
    while (position < text.length && text[position] !== ',') position++;
    return text.slice(start, position).trim();
  }
}
