import { defineCommand, integerOption } from '../command.ts';
import { serveLabControl } from '../../lab/control.ts';
import { startLab } from '../../lab/lab.ts';
import { defaultLabOptions } from '../../lab/options.ts';
import { writeTruth } from '../../lab/truth.ts';
import { writeSyntheticFeed } from '../../lab/vuln-feed.ts';

export default defineCommand({
  name: 'lab',
  summary: 'Run the simulated IoT network on loopback until interrupted (SIGINT/SIGTERM).',
  usage: '[--cidr CIDR] [--seed N] [--devices N] [--truth FILE] [--feed FILE]',
  details: `Devices (cameras, routers, DVRs, NAS, printers and gateways, of fictional vendors and a few
real products) listen at addresses inside --cidr on real ports: telnet, SSH, FTP, HTTP and HTTPS,
RTSP, MQTT, UPnP, TR-069 and ADB, some moved to another protocol's port, all among the survey's
default ports. The same seed gives the same devices. Prints "lab ready …" once every service listens.
Binding ports below 1024 needs root or: sysctl net.ipv4.ip_unprivileged_port_start=0
Example:  opennotice lab --truth lab-truth.json  (then, in another shell)
          opennotice survey --target 127.77.0.0/16 --check credentials
With --feed FILE it also writes the vulnerability feed of its fictional vendors, for
          opennotice feeds import FILE && opennotice survey … --check firmware
While it runs it reads commands on stdin, one per line, and answers each on stdout:
  remediate IP   the device's owner fixes it now (weak passwords become strong);
                 answers "remediated IP", or "unknown IP" when no lab device is there`,
  options: {
    cidr: {
      type: 'string',
      valueName: 'CIDR',
      description: 'range for the devices: a /16 or smaller inside 127.0.0.0/8, or an IPv6 /64 to /120 of 2001:db8::/32 inside a network namespace',
      default: defaultLabOptions.cidr,
    },
    seed: { type: 'string', valueName: 'N', description: 'seed of the device population', default: String(defaultLabOptions.seed) },
    devices: { type: 'string', valueName: 'N', description: 'number of devices (hostile ones included)', default: String(defaultLabOptions.deviceCount) },
    'no-hostile': { type: 'boolean', description: 'leave out the hostile devices (tarpits, endless banners …) and the script-injection payload devices' },
    truth: { type: 'string', valueName: 'FILE', description: 'write the ground truth (every device, identity, weaknesses, vulnerabilities) as JSON' },
    feed: { type: 'string', valueName: 'FILE', description: "write the lab's synthetic vulnerability feed (NVD CVE API 2.0 JSON) for its fictional vendors" },
  },
  async run(values, _positionals, io) {
    const lab = await startLab({
      cidr: String(values.cidr),
      seed: integerOption(values.seed, 'seed', { min: 0, max: 2 ** 32 - 1 }),
      deviceCount: integerOption(values.devices, 'devices', { min: 1, max: 60_000 }),
      hostile: !values['no-hostile'],
    });
    if (typeof values.truth === 'string') writeTruth(values.truth, lab.truth);
    if (typeof values.feed === 'string') writeSyntheticFeed(values.feed);
    const services = lab.truth.devices.reduce((total, device) => total + device.services.length, 0);
    io.stdout.write(
      `lab ready: ${lab.truth.devices.length} devices, ${services} services on ${lab.options.cidr} (seed ${lab.options.seed})${typeof values.truth === 'string' ? `, truth in ${values.truth}` : ''}\n`,
    );
    // A parent process (demo, tests) or a person at the terminal plays the subscribers who fix devices.
    const stopControl = serveLabControl(process.stdin, io.stdout, lab);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    stopControl();
    const stats = lab.stats();
    await lab.close();
    // One machine-readable line, so a parent process (demo, tests) can check what the devices saw.
    io.stdout.write(`lab stopped ${JSON.stringify(stats)}\n`);
    return 0;
  },
});
