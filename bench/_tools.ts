// Whether a reference tool (nmap, tcpdump, tshark) is there to compare with. Benchmarks ask
// before using one, and print `n/a (TOOL not installed)` as the target when it is not.
import { spawnSync } from 'node:child_process';

/**
 * True when `command --version` runs and exits 0.
 * @example if (!toolInstalled('tshark')) printTargetUnavailable('darknet_vs_tshark', 'tshark not installed')
 */
export function toolInstalled(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
}
