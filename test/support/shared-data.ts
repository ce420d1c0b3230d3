/**
 * The public sample data the tests read (../shared/data beside the checkout: real NVD, CVE 5,
 * KEV and JVN records, Recog fingerprints, captures, Cowrie logs, routing tables). The project
 * does not copy it (see ../shared/data/README.md); a test that needs it and finds it absent
 * fails with one line saying so, never silently passes.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const sharedDataRoot = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

/**
 * Absolute path of a file or folder of the sample data; throws one clear line when it is not there.
 * @example const kev = sharedData('kev/known_exploited_vulnerabilities.json')
 */
export function sharedData(relativePath: string): string {
  const path = fileURLToPath(new URL(relativePath, `file://${sharedDataRoot}`));
  if (!existsSync(path)) {
    throw new Error(`needs the public sample data ${path}, which is absent: clone the project with ../shared beside it (see its data/README.md)`);
  }
  return path;
}
