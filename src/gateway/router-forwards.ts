/**
 * Reads the router's current port forwards every round (thin I/O around port-forwards.ts):
 * nftables' native dnat rules, then iptables' and ip6tables' DNAT rules when those tools are
 * installed. Forwards change between rounds (UPnP opens and closes them), so nothing is kept.
 * A source that cannot be read is logged and skipped: the operator's own `--port-forward`
 * entries still apply, and a finding no forward explains is logged as the router's own.
 */
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { type NftRunner, runFirewallTool } from './nft.ts';
import { type PortForward, parseIptablesForwards, parseNftForwards } from './port-forwards.ts';

export interface RouterForwardReader {
  read(): Promise<PortForward[]>;
}

const iptablesTools = ['iptables-save', 'ip6tables-save'] as const;

/**
 * @example const forwards = await createRouterForwardReader(createNftRunner(), log).read()
 */
export function createRouterForwardReader(nft: NftRunner, log: Logger): RouterForwardReader {
  return {
    async read() {
      const forwards: PortForward[] = [];
      try {
        forwards.push(...parseNftForwards(await nft.listRuleset()));
      } catch (error) {
        log.warn(`port forwards not read from nftables: ${describeError(error)}`, { event: 'gateway-forwards-failed', source: 'nft' });
      }
      for (const tool of iptablesTools) {
        try {
          const result = await runFirewallTool(tool, ['-t', 'nat']);
          if (result.code === 0) forwards.push(...parseIptablesForwards(result.stdout, tool.replace('-save', '')));
          else
            log.warn(`port forwards not read: ${tool} -t nat exited ${result.code}: ${result.stderr.trim().slice(0, 300)}`, {
              event: 'gateway-forwards-failed',
              source: tool,
            });
        } catch (error) {
          // Not installed is normal on an nftables-only router; anything else is worth a line.
          if (!/ not found: /.test(String((error as Error).message)))
            log.warn(`port forwards not read: ${describeError(error)}`, { event: 'gateway-forwards-failed', source: tool });
        }
      }
      return forwards;
    },
  };
}
