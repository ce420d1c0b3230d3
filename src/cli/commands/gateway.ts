import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { describeError, OpenNoticeError } from '../../core/errors.ts';
import { enforcedPolicy, type GatewayConfig, type GatewayDeps, type GatewayState, rulesetFor, runGatewayCycle } from '../../gateway/gateway-cycle.ts';
import { startGatewayLoop } from '../../gateway/gateway-loop.ts';
import { lanAddresses } from '../../gateway/lan-interface.ts';
import { createNftRunner } from '../../gateway/nft.ts';
import { createPolicyClient } from '../../gateway/policy-client.ts';
import { loadPolicyState, savePolicyState } from '../../gateway/policy-state-file.ts';
import { parsePortForwardOption } from '../../gateway/port-forwards.ts';
import { createRouterForwardReader } from '../../gateway/router-forwards.ts';
import { gatewayTable } from '../../gateway/ruleset.ts';
import { readUpdatePathFile } from '../../gateway/update-path-file.ts';
import { createWalledGarden, startWalledGarden } from '../../gateway/walled-garden.ts';
import { loadDeviceAdvice } from '../../notify/messages/device-advice.ts';
import { parseAnyCidr } from '../../scope/address-space.ts';
import { canonicalAddress } from '../../scope/canonical-address.ts';
import { defineCommand, integerOption, listOption } from '../command.ts';
import { commandLogger } from '../observability.ts';

/** "192.0.2.1:8080" or "[2001:db8::1]:8080". */
function parseListen(text: string): { ip: string; port: number } {
  const match = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([0-9.]+):(\d{1,5})$/.exec(text);
  const ip = match ? canonicalAddress(match[1]!) : undefined;
  const port = match ? Number(match[2]) : 0;
  if (!ip || port < 1 || port > 65535) throw new OpenNoticeError('USAGE', `--walled-garden-listen: "${text}" is not ADDRESS:PORT (e.g. 192.168.1.1:8080)`);
  return { ip, port };
}

/** The API token from its file: one line, on_ and 43 characters (a typo fails here, not as a 401 later). */
function readToken(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new OpenNoticeError('USAGE', `--token-file: cannot read ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
  if (!/^on_[A-Za-z0-9_-]{43}$/.test(text)) throw new OpenNoticeError('AUTH_FAILED', `${file} does not hold an API token (on_…)`, { file });
  return text;
}

export default defineCommand({
  name: 'gateway',
  summary: 'Secure-gateway mode for an edge router: block C&C endpoints, quarantine devices with open findings behind a notice page, report.',
  usage: '--server URL --token-file F --lan-interface IF [--once] [--interval S] [--walled-garden-listen ADDR:PORT] [--dry-run] | --clear',
  details: `Pulls the approved C&C blocklist and the open findings of the devices behind the LAN
interface from the central server (an ISP user's API token), and loads one nftables table
(inet ${gatewayTable}) in one transaction: traffic to C&C endpoints is logged and dropped;
quarantined devices keep DNS and the vendor update path, their web traffic (port 80) gets the
walled-garden notice page (Japanese or English) served by this process, HTTPS is reset,
the rest is dropped. A device is released when its finding closes (next round). Every round
first reports what the rules counted. Runs every --interval seconds (SIGHUP: now); --once runs
one round and exits (no notice page then). The rules stay loaded when it stops; --clear
removes them. Needs root (or CAP_NET_ADMIN) and nft. Behind NAT, --wan-address names the
router's public address: findings there are moved to the devices the router's port forwards
lead to (read each round from nftables and iptables, plus any --port-forward).
  opennotice gateway --server https://notice.example.jp --token-file /etc/opennotice/gateway.token --lan-interface lan0
See docs/gateway.md.`,
  options: {
    server: { type: 'string', valueName: 'URL', description: 'the central server (https)' },
    'token-file': { type: 'string', valueName: 'FILE', description: "file holding an ISP user's API token (on_…)" },
    'lan-interface': { type: 'string', valueName: 'IF', description: 'the interface the devices are behind' },
    network: { type: 'string', valueName: 'CIDR', multiple: true, description: "networks behind the gateway (default: the LAN interface's subnets)" },
    'wan-address': {
      type: 'string',
      valueName: 'ADDR',
      multiple: true,
      description: "the router's public address behind NAT: its findings go to the devices its port forwards lead to",
    },
    'port-forward': {
      type: 'string',
      valueName: 'SPEC',
      multiple: true,
      description: 'a port forward, [tcp|udp/]PORT[-PORT]=ADDRESS[:PORT], besides those read from nftables and iptables',
    },
    once: { type: 'boolean', description: 'one round (report, pull, apply) and exit' },
    interval: { type: 'string', valueName: 'S', description: 'seconds between rounds', default: '300' },
    'walled-garden-listen': {
      type: 'string',
      valueName: 'ADDR:PORT',
      description: "the notice page's address (default: the LAN interface's address, port 8080)",
    },
    'dry-run': { type: 'boolean', description: 'pull and print the ruleset; load nothing' },
    'public-key': { type: 'string', valueName: 'KEY', description: 'refuse a blocklist not signed by this Ed25519 public key (PEM)' },
    'update-path': {
      type: 'string',
      valueName: 'FILE',
      description: 'more update endpoints quarantined devices may reach (JSON list of {cidr or host, port?, label})',
    },
    'state-file': { type: 'string', valueName: 'FILE', description: 'keep the last good policy here, for a restart while the server is unreachable' },
    name: { type: 'string', valueName: 'NAME', description: 'this gateway in reports (default: the host name)' },
    'allow-http': { type: 'boolean', description: 'allow a plain-http --server that is not loopback (the token is sent in the clear)' },
    clear: { type: 'boolean', description: "remove the gateway's rules and exit" },
    'log-format': { type: 'string', valueName: 'FORMAT', description: 'text or json', default: 'text' },
    'log-level': { type: 'string', valueName: 'LEVEL', description: 'debug, info, warn or error', default: 'info' },
  },
  async run(values, _positionals, io) {
    const log = commandLogger('gateway', values, io.stderr);
    const nft = createNftRunner();
    if (values.clear) {
      await nft.apply(`table inet ${gatewayTable}\ndelete table inet ${gatewayTable}\n`);
      io.stdout.write(`removed table inet ${gatewayTable}\n`);
      return 0;
    }
    if (!values.server || !values['token-file'] || !values['lan-interface'])
      throw new OpenNoticeError('USAGE', 'gateway needs --server URL, --token-file FILE and --lan-interface IF (see: opennotice gateway --help)');
    const intervalSeconds = integerOption(values.interval, 'interval', { min: 5, max: 86_400 })!;
    const explicitNetworks = listOption(values.network).map((text) => parseAnyCidr(text).text);
    const listenText = values['walled-garden-listen'];
    // The interface is read only for what was not given, so a dry run works on any machine.
    const lan = explicitNetworks.length > 0 && listenText ? undefined : lanAddresses(values['lan-interface']);
    const wanAddresses = listOption(values['wan-address']).map((text) => {
      const address = canonicalAddress(text);
      if (address === undefined) throw new OpenNoticeError('USAGE', `--wan-address ${text}: not an IPv4 or IPv6 address`);
      return address;
    });
    const forwards = listOption(values['port-forward']).map(parsePortForwardOption);
    if (forwards.length > 0 && wanAddresses.length === 0)
      throw new OpenNoticeError('USAGE', '--port-forward needs --wan-address: the public address whose ports are forwarded');
    // The server is asked for the WAN addresses too: behind NAT, that is where the survey found the devices.
    const networks = [
      ...(explicitNetworks.length > 0 ? explicitNetworks : lan!.networks),
      ...wanAddresses.map((address) => (address.includes(':') ? `${address}/128` : `${address}/32`)),
    ];
    const walledGarden = listenText ? parseListen(listenText) : { ip: lan!.primary, port: 8080 };
    const config: GatewayConfig = {
      name:
        values.name ??
        hostname()
          .replace(/[^A-Za-z0-9._-]/g, '-')
          .slice(0, 64),
      lanInterface: values['lan-interface'],
      walledGarden,
      localUpdatePath: values['update-path'] ? readUpdatePathFile(values['update-path']) : [],
      ...(wanAddresses.length > 0 ? { nat: { wanAddresses, forwards } } : {}),
    };
    const routerForwards = wanAddresses.length > 0 ? createRouterForwardReader(nft, log) : undefined;
    const client = createPolicyClient({
      serverUrl: values.server,
      token: readToken(values['token-file']),
      networks,
      ...(values['public-key'] ? { publicKeyFile: values['public-key'] } : {}),
      allowPlainHttp: Boolean(values['allow-http']),
    });
    if (values['dry-run']) {
      const pulled = await client.pull();
      const policy = await enforcedPolicy(config, pulled.policy, { log, ...(routerForwards ? { routerForwards } : {}) });
      io.stdout.write(await rulesetFor(config, { policy, indicators: pulled.indicators }, log));
      return 0;
    }
    const stateFile = values['state-file'];
    const deps: GatewayDeps = {
      client,
      nft,
      log,
      now: () => new Date(),
      ...(stateFile ? { savePolicy: (policy) => savePolicyState(stateFile, policy) } : {}),
      ...(routerForwards ? { routerForwards } : {}),
    };
    const state: GatewayState = { windowStart: new Date(), unsent: [] };
    if (stateFile) {
      try {
        state.lastGood = loadPolicyState(stateFile, values['public-key']);
        if (state.lastGood)
          log.info(`saved policy ${state.lastGood.policy.version.slice(0, 12)} of ${state.lastGood.policy.generatedAt} loaded from ${stateFile}`, {
            event: 'gateway-state-loaded',
          });
      } catch (error) {
        log.warn(`the saved policy is not used: ${describeError(error)}`, { event: 'gateway-state-refused' });
      }
    }
    if (values.once) {
      await runGatewayCycle(config, deps, state, { pull: true });
      return 0;
    }
    // The notice page explains the policy the loop enforces at this moment: the same state.
    const garden = createWalledGarden({ advice: loadDeviceAdvice(), currentPolicy: () => state.enforced ?? state.lastGood?.policy });
    const server = await startWalledGarden(garden, { host: walledGarden.ip, port: walledGarden.port });
    log.info(`walled garden on ${server.url}, networks ${networks.join(', ')}`, { event: 'gateway-started', url: server.url });
    const loop = startGatewayLoop(config, { ...deps, garden }, state, { intervalSeconds, signal: io.signal });
    const onHangUp = () => loop.wake();
    process.on('SIGHUP', onHangUp);
    try {
      await loop.done;
    } finally {
      process.off('SIGHUP', onHangUp);
      await server.close();
    }
    return 0;
  },
});
