import { OpenNoticeError } from '../../core/errors.ts';
import { defineCommand } from '../command.ts';
import { commandLogger, openObservability } from '../observability.ts';
import { darknetContext } from '../darknet/context.ts';
import { darknetOptions } from '../darknet/options.ts';
import { runCapture } from '../darknet/capture.ts';
import { runGenerate } from '../darknet/generate.ts';
import { runHoneypot } from '../darknet/honeypot.ts';
import { runInfected } from '../darknet/infected.ts';
import { runIngest } from '../darknet/ingest.ts';
import { runStats } from '../darknet/stats.ts';

const subcommands = ['ingest', 'capture', 'honeypot', 'stats', 'infected', 'generate'];

export default defineCommand({
  name: 'darknet',
  summary: 'Darknet telescope: read captures into the store, NICTER-style statistics, infected devices and the models they are.',
  usage: `ingest FILE... --darknet CIDR | capture --interface IF --darknet CIDR | honeypot LOG... | stats [FILE...] --darknet CIDR | infected | generate --out FILE   [--db FILE|URL]`,
  details: `ingest FILE...   read pcap/pcapng captures (gzip too) into the store: hour and day windows with
                 every source classified (Mirai fingerprint, ZMap/masscan, SYN scans, backscatter,
                 UDP/ICMP probes) and judged against thresholds that scale with the darknet's size;
                 scanners inside the surveyed space (the scopes of the store's surveys, plus
                 --space FILE) become 'infected' findings joined to their device. A file already
                 read is skipped; a day read in parts is merged.
capture          live: tcpdump on --interface (headers only, traffic to the darknet) piped into
                 the same reader; each hour and day window is written as it closes; no packet
                 is stored. Ctrl-C or --duration stops it and writes the windows still open.
honeypot LOG...  Cowrie JSON logs (gzip too) as evidence of infection: sources that logged in
                 and ran commands, fetched files or tried many logins, inside the surveyed space,
                 become 'infected' findings (protocol honeypot). Passwords are never kept.
stats [FILE...]  packets per day and per darknet address per year, top ports, top scanner
                 networks, scanners per day (max, average): from the files given, else from the store.
infected         which device models get infected: open infected findings by vendor and model,
                 against how many devices of each model the survey found.
generate         a lab capture with ground truth (--truth FILE) to try it all out; its research
                 scanners (the lab's, not real ones) go to dark-research.txt beside it:
  opennotice darknet generate --out dark.pcapng --truth dark-truth.json --infected 127.77.0.10
  opennotice darknet ingest dark.pcapng --darknet 127.200.0.0/16 --research dark-research.txt
  opennotice darknet stats --darknet 127.200.0.0/16
Research scanners are kept apart from infected sources: by default the shipped list of well-known
ones (Censys, Rapid7 Project Sonar, Shadowserver, NETSCOUT; src/darknet/classify/research-scanners.yaml),
or --research FILE. docs/darknet.md has the details.
ingest and capture serve Prometheus metrics with --metrics-listen 127.0.0.1:9465 (packets, windows,
the newest packet's time, infected findings) and log JSON lines with --log-format json.`,
  options: darknetOptions,
  async run(values, positionals, io) {
    const [subcommand, ...rest] = positionals;
    const context = darknetContext(values);
    if (values['metrics-listen'] !== undefined && subcommand !== 'ingest' && subcommand !== 'capture')
      throw new OpenNoticeError('USAGE', `--metrics-listen is for ingest and capture, the long-running subcommands, not ${subcommand ?? 'none'}`);
    switch (subcommand) {
      case 'ingest':
      case 'capture': {
        // The long-running subcommands: watched by metrics (--metrics-listen) and logged as JSON on request.
        const watch = await openObservability('darknet', values, io.stderr, { subcommand });
        try {
          return subcommand === 'ingest' ? await runIngest(context, rest, io, watch) : await runCapture(context, values, io, watch);
        } finally {
          await watch.close();
        }
      }
      case 'honeypot':
        return runHoneypot(context, rest, io, commandLogger('darknet', values, io.stderr).child({ subcommand }));
      case 'stats':
        return runStats(context, rest, io);
      case 'infected':
        return runInfected(context, io);
      case 'generate':
        return runGenerate(context, values, io);
      default:
        throw new OpenNoticeError('USAGE', `unknown darknet subcommand "${subcommand ?? ''}" (one of: ${subcommands.join(', ')})`);
    }
  },
});
