// `npm test`: everything the tests need, then every check and test, in one command.
//
//   npm test                       Debian packages, type check, lint and format, import cycles, all tests
//   npm test -- FILE_OR_GLOB …     Debian packages, then only those test files (for development)
//
// Runs under the project's own Node (scripts/launch.cjs has installed it).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findImportCycles, formatCycles } from './import-cycles.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const sharedData = join(root, '..', 'shared', 'data');

/**
 * The Debian packages the tests drive as real peers, and why. A package is present when its
 * command is on the PATH, when its own `present` check says so (programs kept off the PATH),
 * or, for data-only packages, when dpkg knows it as installed.
 */
const debianPackages: ReadonlyArray<{ name: string; commands?: readonly string[]; present?: () => boolean; why: string }> = [
  { name: 'dropbear-bin', commands: ['dropbear', 'dropbearkey'], why: 'a real SSH server for the SSH credential checker' },
  { name: 'openssh-client', commands: ['ssh'], why: "OpenSSH's client against the lab's SSH server" },
  { name: 'tshark', commands: ['tshark'], why: "the oracle for the capture reader's packet decoding" },
  { name: 'tcpdump', commands: ['tcpdump'], why: 'live darknet capture' },
  {
    name: 'chromium',
    commands: ['chromium'],
    why: "the real browser of the web tests, and of the gateway's walled-garden page seen from a quarantined device",
  },
  { name: 'fonts-ipafont-gothic', why: 'readable Japanese text in the browser screenshots' },
  { name: 'mosquitto', commands: ['mosquitto', 'mosquitto_passwd'], why: 'a real MQTT broker (plain and TLS) for the MQTT grabber and credential checker' },
  { name: 'rtsp-server-perl', commands: ['rtsp-server-perl'], why: 'a real RTSP server for the RTSP grabber and checker' },
  { name: 'openssl', commands: ['openssl'], why: 'throwaway certificates for the TLS servers the tests start' },
  { name: 'miniupnpd', commands: ['miniupnpd'], why: 'a real UPnP IGD whose device description the UPnP grabber reads' },
  { name: 'libcoap3-bin', commands: ['coap-server-notls'], why: "libcoap's example CoAP server for the CoAP grabber" },
  { name: 'avahi-daemon', commands: ['avahi-daemon'], why: 'a real mDNS/DNS-SD responder (run without the system bus in a namespace) for the mDNS grabber' },
  // Real daemons of the kinds embedded devices run, for the credential checkers' test bed (test/real-daemons/).
  { name: 'busybox-static', why: "BusyBox telnetd (Debian's dynamic busybox has no telnetd) in front of the real /bin/login and PAM" },
  { name: 'openssh-server', commands: ['sshd'], why: 'a real OpenSSH server for the SSH credential checker' },
  { name: 'vsftpd', commands: ['vsftpd'], why: 'a real FTP server (vsftpd, as on routers with a USB port) for the FTP credential checker' },
  { name: 'lighttpd', commands: ['lighttpd'], why: 'a real web server with Basic and Digest logins (mod_auth) for the HTTP credential checker' },
  { name: 'snmpd', commands: ['snmpd'], why: 'a real SNMP agent (Net-SNMP) for the SNMP grabber, its community check and reflection figures' },
  {
    name: 'dnsmasq-base',
    commands: ['dnsmasq'],
    why: 'a real DNS server (no upstream, local names only) for the DNS grabber’s open-resolver check, and a real resolver query log (log-queries) for C&C domain detection',
  },
  {
    name: 'gcc',
    commands: ['cc'],
    why: "compiles the flow collector's native UDP receiver (src/scope/native/udp-receiver.c), which the receiver tests run for real",
  },
  {
    name: 'g++',
    commands: ['g++'],
    why: "compiles snap7's S7 server (its sources ship in the node-snap7 npm package) as a real S7 peer for the S7 grabber",
  },
  {
    name: 'unbound',
    commands: ['unbound'],
    why: 'a real resolver with RPZ support that loads the exported blocklist zone (test/blocklist-resolver.test.ts), and whose query log C&C domain detection reads',
  },
  {
    name: 'bind9',
    commands: ['named'],
    why: 'a real primary that applies the exported RPZ update (nsupdate script) to the previous version, and whose query log C&C domain detection reads',
  },
  { name: 'bind9-dnsutils', commands: ['nsupdate', 'dig'], why: 'sends the RPZ update to BIND and transfers the zone back to check it' },
  {
    name: 'nftables',
    commands: ['nft'],
    why: "loads the exported nftables blocklist, and the secure gateway's ruleset (test/gateway-e2e.test.ts), into real tables in test network namespaces",
  },
  {
    name: 'iptables',
    commands: ['iptables-nft', 'iptables-save'],
    why: "a home router's UPnP-style DNAT port forward (miniupnpd's chain) that the secure gateway reads behind NAT (test/gateway-nat.test.ts)",
  },
  { name: 'ipset', commands: ['ipset'], why: 'loads the exported ipset restore file into real sets in a test network namespace' },
  {
    name: 'softflowd',
    commands: ['softflowd', 'softflowctl'],
    why: "a real NetFlow v5/v9/IPFIX exporter (on a veth in a namespace) for the flow collector's test",
  },
  { name: 'nfdump', commands: ['nfcapd'], why: "nfdump's collector (nfcapd), the baseline of the flows benchmark" },
  { name: 'memcached', commands: ['memcached'], why: 'a real memcached with UDP turned on for the memcached grabber’s multi-datagram stats reply' },
  {
    name: 'ntpsec',
    commands: ['ntpd'],
    why: 'a real NTP server (mode 6, no mode 7) for the NTP grabber, run in a namespace without the right to set the clock',
  },
  {
    name: 'python3-pymodbus',
    present: () => existsSync('/usr/lib/python3/dist-packages/pymodbus'),
    why: 'a real Modbus/TCP server (pymodbus, answering Read Device Identification) for the Modbus grabber',
  },
  {
    name: 'postgresql',
    // Debian keeps the server programs in /usr/lib/postgresql/<major>/bin, off the PATH.
    present: postgresServerInstalled,
    why: 'a real PostgreSQL server (initdb into a temporary folder, loopback only) for the PostgreSQL store’s conformance tests',
  },
];

/** Whether any major version of Debian's PostgreSQL server is installed (its initdb exists). */
function postgresServerInstalled(): boolean {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
  return versions.some((version) => existsSync(join('/usr/lib/postgresql', version, 'bin', 'initdb')));
}

/** Every test outside node_modules: unit tests beside the code, end-to-end tests in test/. */
const allTests = ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'];
/** A test that has not finished after this long has hung: it fails and the run goes on. */
const testTimeoutMs = 300_000;

function onPath(command: string): boolean {
  const directories = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return directories.some((directory) => directory !== '' && existsSync(join(directory, command)));
}

function dpkgInstalled(name: string): boolean {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not a template
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return query.status === 0 && query.stdout.includes('install ok installed');
}

function missingPackages(): string[] {
  const present = (pkg: (typeof debianPackages)[number]): boolean => {
    if (pkg.present) return pkg.present();
    return pkg.commands ? pkg.commands.every(onPath) : dpkgInstalled(pkg.name);
  };
  return debianPackages.filter((pkg) => !present(pkg)).map((pkg) => pkg.name);
}

/** Installs what is missing when we may (root with apt), otherwise stops at once naming it. */
function ensureDebianPackages(): void {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const canInstall = process.getuid?.() === 0 && onPath('apt-get');
  const list = missing.join(' ');
  if (!canInstall) {
    const reasons = debianPackages.filter((pkg) => missing.includes(pkg.name)).map((pkg) => `${pkg.name} (${pkg.why})`);
    process.stderr.write(
      `npm test needs these Debian packages, which are not installed: ${reasons.join('; ')}.\n` +
        `Install them with:  sudo apt-get install --no-install-recommends ${list}\n` +
        '(run as root, npm test installs them itself)\n',
    );
    process.exit(1);
  }
  process.stderr.write(`npm test: installing the Debian packages the tests need: ${list}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Daemons the tests play against (telnetd, sshd, lighttpd, mosquitto …) must not start as
  // services on their usual ports: the tests start them on loopback with their own settings,
  // and a lighttpd bound to *:80 would take the lab's port 80. policy-rc.d (exit 101) tells the
  // packages' scripts not to start anything.
  const policy = '/usr/sbin/policy-rc.d';
  const hadPolicy = existsSync(policy);
  if (!hadPolicy) writeFileSync(policy, '#!/bin/sh\n# written by opennotice npm test while it installs packages\nexit 101\n', { mode: 0o755 });
  let failed: string | undefined;
  try {
    for (const args of [
      ['update', '-qq'],
      ['install', '-y', '-qq', '--no-install-recommends', ...missing],
    ]) {
      const step = spawnSync('apt-get', args, { stdio: 'inherit', env });
      if (step.status !== 0) {
        failed = `apt-get ${args[0]} failed (exit ${step.status})`;
        break;
      }
    }
  } finally {
    if (!hadPolicy) rmSync(policy, { force: true });
  }
  if (failed) {
    process.stderr.write(`npm test: ${failed}; install by hand: apt-get install ${list}\n`);
    process.exit(1);
  }
  const still = missingPackages();
  if (still.length > 0) {
    process.stderr.write(`npm test: after apt-get install, still missing: ${still.join(' ')}\n`);
    process.exit(1);
  }
}

/** Runs one step with the project's Node; stops the whole run when it fails. */
function step(title: string, args: string[]): void {
  process.stderr.write(`npm test: ${title}\n`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`npm test: ${title} failed\n`);
    process.exit(result.status ?? 1);
  }
}

function checkImportCycles(): void {
  process.stderr.write('npm test: import cycles\n');
  const cycles = findImportCycles(root, ['src', 'bench', 'scripts']);
  if (cycles.length > 0) {
    process.stderr.write(`npm test: import cycles found (a module must not import, through others, itself):\n${formatCycles(cycles)}\n`);
    process.exit(1);
  }
}

const selected = process.argv.slice(2);
ensureDebianPackages();
if (!existsSync(sharedData)) {
  process.stderr.write(
    `npm test: the public sample data is not at ${sharedData}: the tests that read it will fail, each saying so (see the README's quick start)\n`,
  );
}
if (selected.length === 0) {
  step('type check', [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
  step('lint and format', [join(root, 'node_modules/@biomejs/biome/bin/biome'), 'ci', '--error-on-warnings', '.']);
  checkImportCycles();
}
const testRun = spawnSync(
  process.execPath,
  [
    '--disable-warning=ExperimentalWarning',
    // Each test file's results reach this runner whole, even with --test-force-exit (see the file).
    '--import',
    join(root, 'scripts/test-child-stdio.ts'),
    '--test',
    '--test-concurrency=2',
    `--test-timeout=${testTimeoutMs}`,
    // A test file whose failed set-up left a server or browser behind must still end.
    '--test-force-exit',
    ...(selected.length > 0 ? selected : allTests),
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(testRun.status ?? 1);
