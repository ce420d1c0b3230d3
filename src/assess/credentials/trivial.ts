/**
 * The one source kind of the dictionary that needs no publication: a pair that is weak by
 * construction. The loader checks every entry that claims it (`sources: [pattern]` or
 * `reason: trivial`), so the claim cannot hide a real person's password.
 */

/** Keyboard walks people type; a part of a password may be any piece of three or more of one. */
const keyboardWalks = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'q1w2e3r4t5', 'qazwsxedc'];
const sequences = ['0123456789', 'abcdefghijklmnopqrstuvwxyz'];
/** Longest password the rule calls trivial: longer runs are rare and not worth the doubt. */
const maxLength = 16;

/**
 * True when the password is trivial for that user name: empty; the user name itself,
 * reversed, or followed by up to six digits; or at most two simple parts of three
 * characters or more — a repeated unit of one to four characters (`888888`, `123123`), an
 * ascending or descending run of digits or letters (`1234`, `54321`, `abc`), a piece of a
 * keyboard walk (`qwerty`, `1q2w3e4r`). Case is ignored.
 * @example isTrivialPair('admin', 'admin123') // true
 * @example isTrivialPair('root', 'abc123')    // true
 * @example isTrivialPair('root', 'xc3511')    // false: a vendor's password, not a pattern
 */
export function isTrivialPair(username: string, password: string): boolean {
  const user = username.toLowerCase();
  const text = password.toLowerCase();
  if (text === '') return true;
  if (text.length > maxLength) return false;
  if (text === user || text === [...user].reverse().join('')) return true;
  if (user.length > 0 && text.startsWith(user) && /^\d{1,6}$/.test(text.slice(user.length))) return true;
  for (let split = 3; split <= text.length - 3; split++) {
    if (isSimplePart(text.slice(0, split)) && isSimplePart(text.slice(split))) return true;
  }
  return isSimplePart(text);
}

/** One simple part: a repeated short unit, a run, or a piece of a keyboard walk (three characters or more). */
function isSimplePart(part: string): boolean {
  if (part.length < 3) return false;
  return isRepeatedUnit(part) || isRun(part) || keyboardWalks.some((walk) => walk.includes(part));
}

function isRepeatedUnit(part: string): boolean {
  for (let unit = 1; unit <= 4 && unit < part.length; unit++) {
    if (part.length % unit !== 0) continue;
    if (part === part.slice(0, unit).repeat(part.length / unit)) return true;
  }
  return false;
}

function isRun(part: string): boolean {
  return sequences.some((sequence) => {
    const reversed = [...sequence].reverse().join('');
    return sequence.includes(part) || reversed.includes(part);
  });
}
