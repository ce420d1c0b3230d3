// Whether a reference tool (nmap, tcpdump, tshark, hydra) is there to compare with. Benchmarks
// ask before using one, and print `n/a (TOOL not installed)` as the target when it is not.
import { spawnSync } from 'node:child_process';

/**
 * Tools without a `--version` that exits 0, and the banner that shows they are there: hydra
 * answers every call it does not understand with its banner and exit status 255.
 */
const bannerOf: Readonly<Record<string, RegExp>> = { hydra: /^Hydra v\d/m };

/**
 * True when `command --version` runs and exits 0 (for hydra: prints its banner).
 * @example if (!toolInstalled('tshark')) printTargetUnavailable('darknet_vs_tshark', 'tshark not installed')
 */
export function toolInstalled(command: string): boolean {
  const result = spawnSync(command, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  const banner = bannerOf[command];
  return banner ? banner.test(`${result.stdout ?? ''}${result.stderr ?? ''}`) : result.status === 0;
}
