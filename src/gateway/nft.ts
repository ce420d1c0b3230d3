/**
 * The gateway's only contact with the kernel's firewall: `nft -f -` to load a ruleset (one
 * transaction: all of it or none), `nft -j list table` to read its counters, `nft -j list
 * ruleset` to read the router's port forwards. Each call is
 * bounded in time; failures become GATEWAY_FAILED errors that say what to fix (install
 * nftables, run as root or with CAP_NET_ADMIN).
 */
import { spawn } from 'node:child_process';
import { OpenNoticeError } from '../core/errors.ts';
import { gatewayTable } from './ruleset.ts';

export const nftTimeoutMs = 30_000;
const maxOutputBytes = 64 * 1024 * 1024;

/** Runs nft; how the gateway reaches it (a test may point at another binary). */
export interface NftRunner {
  /** Load a script (`nft -f -`). */
  apply(script: string): Promise<void>;
  /** The gateway table as JSON (`nft -j list table inet opennotice_gw`), or undefined when it is not loaded. */
  listTable(): Promise<string | undefined>;
  /** Every table as JSON (`nft -j list ruleset`): the router's own port forwards are read from it. */
  listRuleset(): Promise<string>;
}

function explain(stderr: string, args: readonly string[]): OpenNoticeError {
  const text = stderr.trim().slice(0, 2000);
  if (/Operation not permitted|Permission denied/i.test(text))
    return new OpenNoticeError('GATEWAY_FAILED', `nft ${args.join(' ')}: not permitted — run the gateway as root or with CAP_NET_ADMIN (${text})`, { args });
  return new OpenNoticeError('GATEWAY_FAILED', `nft ${args.join(' ')} failed: ${text}`, { args });
}

/** The Debian package a firewall tool comes with. */
const packageOf = (binary: string) => (/(^|\/)ip6?tables[^/]*$/.test(binary) ? 'iptables' : 'nftables');

/**
 * Runs a firewall tool (nft, iptables-save) bounded in time and output.
 * @example const { code, stdout } = await runFirewallTool('iptables-save', ['-t', 'nat'])
 */
export function runFirewallTool(binary: string, args: readonly string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: nftTimeoutMs, killSignal: 'SIGKILL' });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOutputBytes) child.kill('SIGKILL');
      else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new OpenNoticeError(
              'GATEWAY_FAILED',
              `${binary} not found: install ${packageOf(binary)} (apt-get install ${packageOf(binary)})`,
              { binary },
              { cause: error },
            )
          : new OpenNoticeError('GATEWAY_FAILED', `cannot run ${binary}: ${error.message}`, { binary }, { cause: error }),
      );
    });
    child.on('close', (code, signal) => {
      if (signal)
        reject(
          new OpenNoticeError('GATEWAY_FAILED', `${binary} ${args.join(' ')} was stopped (${signal}): over ${nftTimeoutMs / 1000} s or too much output`, {
            binary,
          }),
        );
      else resolve({ code: code ?? 1, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
    // EPIPE when nft exits before reading: its exit status tells the story.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/**
 * @example const nft = createNftRunner(); await nft.apply(buildGatewayRuleset(request)); const json = await nft.listTable()
 */
export function createNftRunner(binary = 'nft'): NftRunner {
  return {
    async apply(script) {
      const args = ['-f', '-'];
      const result = await runFirewallTool(binary, args, script);
      if (result.code !== 0) throw explain(result.stderr, args);
    },
    async listTable() {
      const args = ['-j', 'list', 'table', 'inet', gatewayTable];
      const result = await runFirewallTool(binary, args);
      if (result.code === 0) return result.stdout;
      // Before the first apply (or after a reboot) there is no table: nothing was counted.
      if (/No such file or directory|does not exist/i.test(result.stderr)) return undefined;
      throw explain(result.stderr, args);
    },
    async listRuleset() {
      const args = ['-j', 'list', 'ruleset'];
      const result = await runFirewallTool(binary, args);
      if (result.code !== 0) throw explain(result.stderr, args);
      return result.stdout;
    },
  };
}
