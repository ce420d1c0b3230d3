/**
 * A deliberately simple version order for the lab's own tests: numbers as numbers,
 * letter runs as text ("2.16ww" > "2.15", "1.5.1.4" > "1.5.1"). The lab's ground truth
 * must be checked without the project's matcher (that would make the firmware test
 * circular), and the lab's own version formats need no more than this.
 * @example simpleVersionOrder('2.17b02', '2.16ww') // 1
 */
export function simpleVersionOrder(a: string, b: string): number {
  const tokens = (text: string) => text.toLowerCase().match(/\d+|[a-z]+/g) ?? [];
  const [left, right] = [tokens(a), tokens(b)];
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const [x, y] = [left[index], right[index]];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const difference = /^\d/.test(x) && /^\d/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}
