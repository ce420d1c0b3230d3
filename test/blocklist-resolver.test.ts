// The RPZ export loaded into a real resolver: Debian's unbound (npm test installs it as root)
// with its RPZ support, on 127.162.1.x, forwarding everything to dnsmasq on 127.162.0.2 — a
// tiny server with no upstream that answers four local names and nothing else, so no question
// ever leaves loopback. A blocked name (and a name under it) gets the policy answer, a name
// whose address is listed gets it through the rpz-ip trigger, and an unlisted name resolves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as dns } from 'node:dns';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalIndicators } from '../src/blocklist/indicator-list.ts';
import { type RpzPolicy, writeRpzZone } from '../src/blocklist/rpz-zone.ts';
import { type Daemon, startDaemon } from './support/real-daemons/daemon.ts';

const unbound = '/usr/sbin/unbound';
const dnsmasq = '/usr/sbin/dnsmasq';
const missing = 'unbound or dnsmasq is missing: npm test installs them as root (apt-get install unbound dnsmasq-base)';
const upstream = { ip: '127.162.0.2', port: 53 };
const approvedAt = '2026-12-01T10:00:00Z';

const indicators = canonicalIndicators(
  [
    { kind: 'domain', value: 'evil.example', reason: 'Mirai C&C', approvedAt },
    { kind: 'ip', value: '198.51.100.7', reason: 'C&C address', approvedAt },
    // Limited to one port: DNS cannot say that, so the name resolving to it must not be blocked.
    { kind: 'ip', value: '192.0.2.44', port: 4444, reason: 'one port only', approvedAt },
  ],
  'resolver test',
);

let directory = '';
const daemons: Daemon[] = [];

before(async () => {
  if (!existsSync(unbound) || !existsSync(dnsmasq)) return;
  directory = mkdtempSync(join(tmpdir(), 'on-blocklist-rpz-'));
  daemons.push(
    await startDaemon({
      name: 'dnsmasq',
      command: dnsmasq,
      args: [
        '-k',
        '--log-facility=-',
        '--conf-file=/dev/null',
        '--no-resolv', // no upstream: it answers its local names and refuses the rest
        '--no-poll',
        '--no-hosts',
        '--address=/good.example/192.0.2.10',
        '--address=/evil.example/192.0.2.66',
        '--address=/ipbad.example/198.51.100.7',
        '--address=/portonly.example/192.0.2.44',
        `--port=${upstream.port}`,
        `--listen-address=${upstream.ip}`,
        '--bind-interfaces',
        '--user=root',
        '--pid-file=',
      ],
      ...upstream,
      logFile: join(directory, 'dnsmasq.log'),
    }),
  );
});

after(async () => {
  for (const daemon of daemons.reverse()) await daemon.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

/** unbound on `ip`:53 with the zone written for `policy` as its one RPZ. */
async function startResolver(ip: string, policy: RpzPolicy): Promise<Daemon> {
  const zoneFile = join(directory, `${ip}.rpz`);
  writeFileSync(zoneFile, writeRpzZone(indicators, { origin: 'rpz.opennotice', serial: 1, policy }));
  const config = join(directory, `${ip}.conf`);
  writeFileSync(
    config,
    `server:
  interface: ${ip}@53
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "${directory}"
  pidfile: ""
  use-syslog: no
  logfile: ""
  do-ip6: no
  # respip is the module that applies rpz-ip (answer address) triggers.
  module-config: "respip iterator"
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  qname-minimisation: no
remote-control:
  control-enable: no
rpz:
  name: rpz.opennotice.
  zonefile: "${zoneFile}"
forward-zone:
  name: "."
  forward-addr: ${upstream.ip}@${upstream.port}
`,
  );
  const daemon = await startDaemon({ name: 'unbound', command: unbound, args: ['-d', '-c', config], ip, port: 53, logFile: join(directory, `${ip}.log`) });
  daemons.push(daemon);
  return daemon;
}

function resolverAt(ip: string): dns.Resolver {
  const resolver = new dns.Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers([ip]);
  return resolver;
}

/** The A records, or the DNS error code (ENOTFOUND is NXDOMAIN, ENODATA is NODATA). */
async function lookupA(resolver: dns.Resolver, name: string): Promise<string[] | string> {
  try {
    return await resolver.resolve4(name);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

test('unbound with the NXDOMAIN zone: listed names, names under them and answers with listed addresses are NXDOMAIN; others resolve', async () => {
  assert.ok(existsSync(unbound) && existsSync(dnsmasq), missing);
  const resolver = resolverAt((await startResolver('127.162.1.1', { action: 'nxdomain' })).ip);
  assert.deepEqual(await lookupA(resolver, 'good.example'), ['192.0.2.10'], 'an unlisted name resolves through the upstream');
  assert.equal(await lookupA(resolver, 'evil.example'), 'ENOTFOUND');
  assert.equal(await lookupA(resolver, 'c2.panel.evil.example'), 'ENOTFOUND', '*.evil.example covers names under it');
  assert.equal(await lookupA(resolver, 'ipbad.example'), 'ENOTFOUND', 'the rpz-ip trigger matches the answer address');
  assert.deepEqual(await lookupA(resolver, 'portonly.example'), ['192.0.2.44'], 'a port-limited indicator is not in the RPZ');
});

test('unbound with a walled-garden zone: listed names answer the configured address', async () => {
  assert.ok(existsSync(unbound) && existsSync(dnsmasq), missing);
  const resolver = resolverAt((await startResolver('127.162.1.2', { action: 'local', a: '192.0.2.80' })).ip);
  assert.deepEqual(await lookupA(resolver, 'evil.example'), ['192.0.2.80']);
  assert.deepEqual(await lookupA(resolver, 'www.evil.example'), ['192.0.2.80']);
  assert.deepEqual(await lookupA(resolver, 'ipbad.example'), ['192.0.2.80']);
  assert.deepEqual(await lookupA(resolver, 'good.example'), ['192.0.2.10']);
});
