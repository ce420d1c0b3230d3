/**
 * Splits one CSV line into cells. Quoted cells may contain commas and doubled quotes
 * (RFC 4180); ZMap quotes string fields that contain a comma. Returns undefined for an
 * unterminated quote. (A quoted cell spanning lines is not scan output and isn't supported.)
 * @example splitCsvLine('a,"b,c",d') // ['a', 'b,c', 'd']
 */
export function splitCsvLine(line: string): string[] | undefined {
  const cells: string[] = [];
  let cell = '';
  let index = 0;
  let quoted = false;
  while (index < line.length) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        cell += '"';
        index += 2;
        continue;
      }
      if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell === '') {
      quoted = true;
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += char;
    }
    index++;
  }
  if (quoted) return undefined;
  cells.push(cell);
  return cells;
}

/**
 * A value quoted for an error message, shortened so one bad line can't flood the terminal.
 * @example quoteForMessage('x'.repeat(500)) // '"xxxx…"' (at most 60 characters inside)
 */
export function quoteForMessage(value: string): string {
  const short = value.length > 60 ? `${value.slice(0, 57)}…` : value;
  return JSON.stringify(short);
}
