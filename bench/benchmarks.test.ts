// Every benchmark still runs: each in small mode (`bench/run.ts NAME --small`) as a child
// process, which must exit 0, print the lines that carry its figures and end with its
// `target:` lines. Benchmarks are not tests: no timing and no ratio is ever asserted here,
// only that the figures are there and well-formed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { toolInstalled } from './_tools.ts';

const runner = fileURLToPath(new URL('./run.ts', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

/** One target line a benchmark ends with; `tool` is the reference tool whose absence makes it n/a. */
interface ExpectedTarget {
  name: string;
  tool?: string;
}

/** What a benchmark's small run must print. */
interface ExpectedBenchmark {
  name: string;
  /** Lines that carry the figures (each regex must match a line). */
  figures: RegExp[];
  /** More figure lines, printed only when that reference tool is installed. */
  toolFigures?: ReadonlyArray<{ tool: string; figures: RegExp[] }>;
  /** The last lines, in this order. */
  targets: ExpectedTarget[];
  /** The child is killed (with everything it started) after this long. */
  timeoutMs: number;
}

const number = String.raw`\d[\d,]*(?:\.\d+)?`;
const line = (pattern: string) => new RegExp(`^${pattern}$`, 'm');

const benchmarks: ExpectedBenchmark[] = [
  {
    name: 'survey',
    figures: [
      line(
        `opennotice, whole lab \\(\\d+ targets\\): ${number} s wall, \\d+ services identified = ${number} services/s; .*precision ${number} recall ${number}`,
      ),
      line(`opennotice, whole lab: services moved off their usual port named right ${number} \\(\\d+/\\d+\\); ${number} probes per service .*`),
      line(`opennotice, \\d+-address sample: ${number} s, \\d+ services identified = ${number} services/s; precision ${number} recall ${number}`),
      line(`opennotice, same sample: moved services named right ${number} \\(\\d+/\\d+\\); ${number} probes per service`),
    ],
    toolFigures: [
      {
        tool: 'nmap',
        figures: [
          line(
            `nmap -sT -sV(?: --version-light)?, same sample: ${number} s, \\d+ services identified = ${number} services/s; precision ${number} recall ${number}`,
          ),
          line(`ratio \\(opennotice services/s ÷ nmap services/s, same sample\\): ${number}× .*`),
          line(`moved services named right, same sample: opennotice ${number} \\(\\d+/\\d+\\), nmap ${number} \\(\\d+/\\d+\\); difference [+-]${number} .*`),
        ],
      },
    ],
    targets: [
      { name: 'survey_vs_nmap', tool: 'nmap' },
      { name: 'survey_moved_detection_vs_nmap', tool: 'nmap' },
    ],
    // nmap -sV, when installed, waits out its probes on every open port of the small sample:
    // with the industrial ports (502, 102, 2404, 1911 …) in the default list it took 110–160 s at
    // its default intensity; small mode's --version-light takes ~45 s.
    timeoutMs: 300_000,
  },
  {
    name: 'credentials',
    figures: [
      line(`opennotice \\(survey, \\d+ connections, \\d+ per host\\): ${number} s, \\d+ of \\d+ hosts fully checked = ${number} hosts/min; .*`),
      line(`opennotice, telnet: ${number} s, \\d+ of \\d+ hosts fully checked = ${number} hosts/min; .*`),
    ],
    toolFigures: [
      {
        tool: 'hydra',
        figures: [
          line(`hydra -t \\d+ -T \\d+ -f, same services \\(\\d+ runs\\): ${number} s, \\d+ of \\d+ hosts fully checked = ${number} hosts/min; .*`),
          line(`ratio \\(opennotice hosts/min ÷ hydra hosts/min, .*\\): ${number}× \\(target ≥ 1×\\)`),
          line('findings equal \\(.*\\): (yes|NO), .*'),
        ],
      },
    ],
    targets: [{ name: 'credentials_vs_hydra', tool: 'hydra' }],
    // Both tools wait out the lab's login fail delays: ~30 s with hydra installed.
    timeoutMs: 90_000,
  },
  {
    name: 'udp',
    figures: [
      line(`bench udp: lab of \\d+ devices on .*: \\d+ targets, \\d+ services answer the first request \\(\\d+ reflectors in the truth\\)`),
      line(
        `opennotice UDP stage \\(sweep at up to \\d+/s with its default (one|no) sender thread, then grabs\\): ${number} s in all, ${number} s sending, \\d+ probes for \\d+ targets = ${number} probes/s; .* = ${number} reflectors/s`,
      ),
      line(`reflectors against the truth: precision ${number} recall ${number} .*`),
    ],
    toolFigures: [
      {
        tool: 'zmap',
        figures: [
          line(`zmap -M udp -r \\d+ -T \\d: ${number} s sending, \\d+ probes = ${number} probes/s; .*`),
          line(`ratio \\(opennotice probes/s ÷ zmap.*\\): ${number}× \\(target ≥ 1×\\)`),
        ],
      },
    ],
    targets: [{ name: 'udp_vs_zmap', tool: 'zmap' }, { name: 'reflector_precision' }, { name: 'reflector_recall' }],
    // Network namespaces need root (npm test runs as root); the survey waits out silent targets: ~30 s.
    timeoutMs: 120_000,
  },
  {
    name: 'firmware',
    figures: [
      line(`feed: ${number} CVEs in \\d+ NVD API 2\\.0 pages, .*`),
      line(`load: ${number} records \\(\\d+ skipped\\) in ${number} s .*`),
      line(`indexed: ${number} devices in ${number} s = ${number} devices/s .*`),
      line(`naive: \\d+ devices in ${number} s = ${number} devices/s .*`),
      line(`ratio: ${number}× \\(target ≥ 100×\\)`),
    ],
    targets: [{ name: 'firmware_vs_naive' }],
    timeoutMs: 60_000,
  },
  {
    name: 'identify',
    figures: [line(`\\d+ rules, \\d+ devices \\(\\d+ identified\\) in ${number} s: \\d+ devices/s`)],
    targets: [{ name: 'identify_devices_per_second' }],
    timeoutMs: 60_000,
  },
  {
    name: 'darknet',
    figures: [
      line(`capture: \\d+ packets, \\d+ MiB, .*`),
      line(`opennotice read \\+ classify \\+ aggregate \\(median of \\d+\\): ${number} s = ${number} M packets/s; .*`),
    ],
    toolFigures: [
      { tool: 'tcpdump', figures: [line(`tcpdump -r FILE -w /dev/null .*: ${number} s = ${number} M packets/s; opennotice ÷ tcpdump = ${number}× .*`)] },
      { tool: 'tshark', figures: [line(`tshark -T fields .*: ${number} s = ${number} k packets/s; opennotice ÷ tshark = ${number}× .*`)] },
    ],
    targets: [
      { name: 'darknet_vs_tcpdump', tool: 'tcpdump' },
      { name: 'darknet_vs_tshark', tool: 'tshark' },
    ],
    timeoutMs: 60_000,
  },
  {
    name: 'cnc',
    figures: [
      line(
        `seed \\d+: \\d+ flows, \\d+ known bots, \\d+ C&C endpoints, \\d+ decoys; \\d+ candidates, precision ${number} recall ${number}, decoys flagged \\d+; ${number} M flows/s`,
      ),
      line(`pooled over \\d+ seeds: \\d+/\\d+ candidates are C&C, \\d+/\\d+ C&C found, \\d+ decoys flagged; the store path differs on 0 seeds`),
      line(`learned scorer: logistic regression on \\d+ endpoints of seeds .*; weights .*`),
      line(`learned scorer, same seeds: precision ${number} recall ${number} \\(\\d+/\\d+ candidates; .*\\)`),
    ],
    targets: [{ name: 'cnc_precision' }, { name: 'cnc_recall' }],
    timeoutMs: 60_000,
  },
  {
    name: 'flows',
    figures: [
      line(`stream: NetFlow v9, \\d+ records in \\d+ datagrams, ${number} MiB`),
      line(`warm-up before each measurement: \\d+ records of other hosts, not measured`),
      line(`round 1 opennotice, node:dgram: \\d+ records received, ${number} CPU s = \\d+ records/CPU s; peak \\d+ MiB`),
      line(
        `round 1 opennotice, native receiver: \\d+ records received, ${number} CPU s = \\d+ records/CPU s; peak \\d+ MiB \\(receiver child ${number} CPU s, peak \\d+ MiB, included\\)`,
      ),
      line(`opennotice median: native receiver \\d+ records/CPU s, node:dgram \\d+ records/CPU s \\(\\d+ rounds; .*\\)`),
      line(`node:dgram receive alone \\(no decoding\\): \\d+ datagrams, ${number} CPU s = \\d+ records/CPU s`),
      line(`in-process decode \\+ aggregate \\(no socket\\): \\d+ records in ${number} CPU s = \\d+ records/CPU s; taking out \\d+ rows: ${number} CPU s`),
      line(`pooled over \\d+ seeds: \\d+/\\d+ candidates are C&C, \\d+/\\d+ C&C found, \\d+ decoys flagged; the store path differs on 0 seeds`),
      line(
        `cnc candidate detection: \\d+ flows of \\d+ devices × \\d+ h in ${number} CPU s = ${number} M flows/s, \\d+ candidates; one day of a \\d+-subscriber network ≈ \\d+ flows ≈ \\d+ CPU s .*`,
      ),
    ],
    toolFigures: [
      {
        tool: 'nfdump',
        figures: [line(`round 1 nfcapd: \\d+ records received, ${number} CPU s = \\d+ records/CPU s; peak \\d+ MiB; opennotice ÷ nfcapd = ${number}×`)],
      },
    ],
    targets: [{ name: 'flows_vs_nfcapd', tool: 'nfdump' }, { name: 'cnc_precision' }, { name: 'cnc_recall' }],
    timeoutMs: 120_000,
  },
  {
    name: 'attribution',
    figures: [
      line(`opennotice table: \\d+ ranges → \\d+ segments, loaded in ${number} s; .*`),
      line(`verified on \\d+ addresses: \\d+ agree, 0 disagree .*`),
      line(`maxmind reader \\.get\\(text\\).* ${number} M lookups/s +×${number}`),
      line(`opennotice lookupIPv4\\(parseIPv4\\(text\\)\\).* ${number} M lookups/s +×${number}`),
    ],
    targets: [{ name: 'attribution_text_vs_maxmind' }],
    timeoutMs: 90_000,
  },
  {
    name: 'notify',
    figures: [
      // One table row per store size: findings, fill s, build s, findings/s, µs/finding, peak RSS, payloads.
      line(` *\\d+ +${number} +${number} +${number} +${number} +\\d+ MiB +\\d+ MiB`),
      line(`linearity: µs per finding at \\d+ ÷ at \\d+ = ${number} .*`),
    ],
    targets: [{ name: 'notify_us_per_finding' }],
    timeoutMs: 90_000,
  },
  {
    name: 'web',
    figures: [
      line(`cold /dashboard: 200, client ${number} ms, server ${number} ms`),
      line(`dashboard page +${number} +${number} +${number} .*`),
      line(`API findings \\(token, 100\\) +${number} +${number} +${number} .*`),
      line(`public statistics +${number} +${number} +${number} .*`),
      line(`dashboard page \\(2 clients\\) +${number} +${number} +${number} .*`),
      line('(every endpoint meets|missed) p95 < 300 ms.*'),
    ],
    targets: [{ name: 'web_worst_p95_ms' }],
    timeoutMs: 120_000,
  },
  {
    name: 'load',
    figures: [
      line(`dashboard page +6 +\\d+ +${number} +${number} +${number} +\\d+`),
      line(`API findings \\(token, 100\\) +8 +\\d+ +${number} +${number} +${number} +\\d+`),
      line(`all requests: [\\d,]+ answered \\(\\d+ pending\\), server p50 ${number} ms, p99 ${number} ms, max ${number} ms; .*`),
      line('survey runs writing meanwhile: [1-9]\\d* completed, \\d+ failed.*'),
    ],
    targets: [{ name: 'load_p99_ms' }, { name: 'load_errors' }],
    timeoutMs: 120_000,
  },
  {
    name: 'lightweight',
    figures: [
      line(`lightweight scanning, simulated: .* = [\\d,]+ probes per full sweep; .*`),
      line(` *5 % +(?:${number} +)+${number} +5 %`),
      line(` *20 % +(?:${number} +)+${number} +20 %`),
      line(`100 % +(?:1\\.000 +)+1\\.000 +100 %`),
      line(`missed at 20 %: \\d+ findings — new-device-known-prefix \\d+, .*`),
      line(`probes at 20 % by source: exploration ${number} %, .*`),
    ],
    targets: [{ name: 'recall_at_20pct_probes' }],
    timeoutMs: 60_000,
  },
  {
    name: 'scale',
    figures: [
      // One row per worker count: workers, seconds, targets/s, ratio, connections/s per worker, CPU, shards, findings.
      line(` +1 +${number} +${number} +1\\.00× +\\d+ of \\d+ +\\d+% +\\d+ +\\d+ \\(same\\)`),
      line(` +4 +${number} +${number} +${number}× +\\d+ of \\d+ +(\\d+% ){3}\\d+% +(\\d+ ){3}\\d+ +\\d+ \\((same|DIFFERENT)\\)`),
      line(` +through the store \\(survey saving stage\\): ${number} s, \\d+ rows/s`),
      line(` +psql \\\\copy into bare tables: +${number} s, \\d+ rows/s .*`),
      line(` +cold /dashboard: 200, server ${number} ms .*`),
      line(` +portal findings +${number} +${number} +${number} .*`),
    ],
    targets: [{ name: 'scale_2_workers' }, { name: 'scale_4_workers' }, { name: 'pg_write_vs_copy' }, { name: 'pg_dashboard_p95_ms' }],
    timeoutMs: 240_000,
  },
];

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `bench/run.ts ARGS…` in a process group of its own, so a run that overstays its time is
 * killed with everything it started (the survey's lab, the web benchmark's server).
 */
function runBench(args: string[], timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', runner, ...args], { cwd: root, detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group ended by itself meanwhile.
      }
      reject(new Error(`bench/run.ts ${args.join(' ')} did not finish within ${timeoutMs / 1000} s:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `target: NAME = VALUE`: a plain number, or n/a naming the missing tool. */
const targetLine = /^target: ([a-z0-9_]+) = (-?\d+(?:\.\d+)?|n\/a \((.+)\))$/;

for (const benchmark of benchmarks) {
  test(`bench ${benchmark.name} --small runs and prints its figures and targets`, { timeout: benchmark.timeoutMs + 10_000 }, async () => {
    const { code, stdout, stderr } = await runBench([benchmark.name, '--small'], benchmark.timeoutMs);
    const shown = `stdout:\n${stdout}\nstderr:\n${stderr}`;
    assert.equal(code, 0, `exit code ${code}\n${shown}`);

    const figures = [
      ...benchmark.figures,
      ...(benchmark.toolFigures ?? []).filter(({ tool }) => toolInstalled(tool)).flatMap(({ figures: toolLines }) => toolLines),
    ];
    for (const figure of figures) assert.match(stdout, figure, `no line matching ${figure}\n${shown}`);

    const lines = stdout.trimEnd().split('\n');
    const last = lines.slice(-benchmark.targets.length);
    assert.deepEqual(
      last.map((text) => targetLine.exec(text)?.[1]),
      benchmark.targets.map((target) => target.name),
      `the last lines must be the target lines, in order\n${shown}`,
    );
    assert.equal(lines.filter((text) => text.startsWith('target:')).length, benchmark.targets.length, `target lines only at the end\n${shown}`);
    benchmark.targets.forEach((target, index) => {
      const [, , value, missing] = targetLine.exec(last[index]!)!;
      if (target.tool !== undefined && !toolInstalled(target.tool)) {
        assert.equal(missing, `${target.tool} not installed`, `${target.name}: ${target.tool} is not installed, so the value is n/a\n${shown}`);
      } else {
        assert.equal(missing, undefined, `${target.name} must be a number${target.tool ? ` (${target.tool} is installed)` : ''}\n${shown}`);
        assert.ok(Number.isFinite(Number(value)), `${target.name} = ${value} is not a number`);
      }
    });
  });
}

test('bench/run.ts with an unknown name prints the usage with every benchmark and exits 2', { timeout: 30_000 }, async () => {
  const { code, stdout, stderr } = await runBench(['no-such-benchmark'], 20_000);
  assert.equal(code, 2, `exit code ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  assert.match(stderr, /^usage: npm run bench -- NAME/m);
  const listed = /\(available: ([^)]*)\)/.exec(stderr)?.[1]?.split(', ');
  assert.deepEqual(listed, benchmarks.map((benchmark) => benchmark.name).sort());
});
