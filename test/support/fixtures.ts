// Test data files live in test/fixtures/ (never under src/, so they are not part of what ships).
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of a file under test/fixtures/.
 * @example fixturePath('discover/zmap-default.csv')
 */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}
