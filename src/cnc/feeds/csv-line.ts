/**
 * One line of the CSV the abuse.ch feeds publish: comma-separated, fields optionally in double
 * quotes with "" for a quote inside. The feeds put no line break inside a field, so a line is a
 * record and errors can name it.
 */

/**
 * Split one CSV line into fields; undefined when a quote is left open.
 * @example splitCsvLine('"2024-01-01","192.0.2.9","443"') // ['2024-01-01', '192.0.2.9', '443']
 */
export function splitCsvLine(line: string): string[] | undefined {
  const fields: string[] = [];
  let index = 0;
  while (index <= line.length) {
    if (line[index] === '"') {
      let value = '';
      index++;
      for (;;) {
        const quote = line.indexOf('"', index);
        if (quote === -1) return undefined;
        value += line.slice(index, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          index = quote + 2;
        } else {
          index = quote + 1;
          break;
        }
      }
      fields.push(value);
      if (index < line.length && line[index] !== ',') return undefined;
      index++;
    } else {
      const comma = line.indexOf(',', index);
      const end = comma === -1 ? line.length : comma;
      fields.push(line.slice(index, end).trim());
      index = end + 1;
    }
  }
  return fields;
}
