/**
 * MIME content transfer encodings (RFC 2045 §6): base64 and quoted-printable, both giving
 * 7-bit lines of at most 76 characters, and the choice between them for a text body.
 */

const maxEncodedLine = 76;

/**
 * Base64 in lines of 76 characters, each ended by CRLF (empty input gives '').
 * @example base64Lines(Buffer.from('hi')) // 'aGk=\r\n'
 */
export function base64Lines(bytes: Uint8Array): string {
  const encoded = Buffer.from(bytes).toString('base64');
  let output = '';
  for (let start = 0; start < encoded.length; start += maxEncodedLine) output += `${encoded.slice(start, start + maxEncodedLine)}\r\n`;
  return output;
}

function literal(byte: number): boolean {
  return (byte >= 33 && byte <= 126 && byte !== 61) || byte === 32 || byte === 9;
}

const hex = (byte: number) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Quoted-printable of text already in canonical form (CRLF line breaks): hard breaks stay,
 * long lines get soft breaks ("=" at the end), trailing blanks are encoded so no relay's
 * whitespace trimming can change the text. Each line ends with CRLF.
 * @example quotedPrintableLines(Buffer.from('café\r\n')) // 'caf=C3=A9\r\n'
 */
export function quotedPrintableLines(bytes: Uint8Array): string {
  const text = Buffer.from(bytes);
  const lines: Buffer[] = [];
  let start = 0;
  for (let index = text.indexOf('\r\n'); index !== -1; index = text.indexOf('\r\n', start)) {
    lines.push(text.subarray(start, index));
    start = index + 2;
  }
  const last = text.subarray(start);
  let output = '';
  const encodeLine = (line: Buffer, hasBreak: boolean) => {
    let current = '';
    line.forEach((byte, position) => {
      const isLast = position === line.length - 1;
      const token = literal(byte) && !((byte === 32 || byte === 9) && isLast) ? String.fromCharCode(byte) : hex(byte);
      // Leave room for the "=" of a soft break.
      if (current.length + token.length > maxEncodedLine - 1) {
        output += `${current}=\r\n`;
        current = '';
      }
      current += token;
    });
    output += hasBreak ? `${current}\r\n` : current === '' ? '' : `${current}=\r\n`;
  };
  for (const line of lines) encodeLine(line, true);
  encodeLine(last, false);
  return output;
}

/**
 * The encoding that keeps a text shorter: quoted-printable for mostly-ASCII text (it stays
 * readable in the raw message), base64 otherwise (Japanese text, binary-ish content).
 * @example textEncoding(Buffer.from('Dear ISP')) // 'quoted-printable'
 */
export function textEncoding(bytes: Uint8Array): 'quoted-printable' | 'base64' {
  let quotedLength = 0;
  // CR and LF are the hard line breaks, which quoted-printable keeps as they are.
  for (const byte of bytes) quotedLength += literal(byte) || byte === 13 || byte === 10 ? 1 : 3;
  return quotedLength <= (bytes.length * 4) / 3 ? 'quoted-printable' : 'base64';
}
