/** `opennotice darknet stats`: NICTER-style figures from capture files, or from the store. */
import { OpenNoticeError } from '../../core/errors.ts';
import { darknetRange } from '../../darknet/ingest.ts';
import { darknetStatistics, summarizeWindows, type DarknetStatistics } from '../../darknet/stats.ts';
import { openStore } from '../../store/open-store.ts';
import type { CommandIo } from '../command.ts';
import { requireDarknet, researchRanges, type DarknetCommandContext } from './context.ts';

/** @example io.stdout.write(formatStatistics(stats)) */
export function formatStatistics(stats: DarknetStatistics): string {
  const lines = [
    `darknet ${stats.darknet} (${stats.darknetSize} addresses), ${stats.packets} packets over ${stats.observedDays.toFixed(2)} days${stats.skippedRecords ? `, ${stats.skippedRecords} corrupt records skipped` : ''}`,
    `packets per darknet address per year: ${Math.round(stats.packetsPerAddressPerYear)}`,
    `scanners (infected-host candidates) per day: max ${stats.scannersPerDay.max}, average ${stats.scannersPerDay.average.toFixed(1)}`,
    '',
    'DAY         PACKETS    SOURCES  SCANNERS  MIRAI  RESEARCH  BACKSCATTER',
    ...stats.days.map(
      (day) =>
        `${day.day}  ${String(day.packets).padStart(9)}  ${String(day.sources).padStart(7)}  ${String(day.scanners).padStart(8)}  ${String(day.miraiScanners).padStart(5)}  ${String(day.researchSources).padStart(8)}  ${String(day.backscatterSources).padStart(11)}`,
    ),
    '',
    `top destination ports: ${stats.topPorts.map((entry) => `${entry.port} (${entry.packets})`).join(', ') || '-'}`,
    `top scanner networks:  ${
      stats.topSourceNetworks
        .slice(0, 5)
        .map((entry) => `${entry.network} (${entry.scanners} scanners, ${entry.packets} packets)`)
        .join(', ') || '-'
    }`,
    `packet classes: ${
      Object.entries(stats.packetClasses)
        .filter(([, count]) => count > 0)
        .map(([name, count]) => `${name} ${count}`)
        .join(', ') || '-'
    }`,
    '',
    ...formatAttacks(stats.drdos),
  ];
  return `${lines.join('\n')}\n`;
}

/** The DRDoS lines: totals, attacks per day with their protocols, and per protocol. */
function formatAttacks(drdos: DarknetStatistics['drdos']): string[] {
  const count = (record: Record<string, number>): string =>
    Object.entries(record)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([name, attacks]) => `${name} ${attacks}`)
      .join(', ');
  return [
    `DRDoS attacks on darknet addresses: ${drdos.attacks} on ${drdos.victims} addresses in ${drdos.victimNetworks} /24 networks, per day max ${drdos.perDay.max}, average ${drdos.perDay.average.toFixed(1)}`,
    `  counted per /24 and protocol: ${drdos.prefixAttacks}, of which ${drdos.carpetBombings} carpet bombings (two or more addresses at once)`,
    ...(drdos.days.length === 0
      ? []
      : [
          'DAY         ATTACKS  VICTIMS  PACKETS      BYTES        PROTOCOLS',
          ...drdos.days.map(
            (day) =>
              `${day.day}  ${String(day.attacks).padStart(7)}  ${String(day.victims).padStart(7)}  ${String(day.packets).padStart(11)}  ${String(day.bytes).padStart(11)}  ${count(day.byProtocol)}`,
          ),
        ]),
    `attacks per protocol: ${drdos.protocols.map((entry) => `${entry.protocol}/${entry.port} ${entry.attacks} (up to ${entry.maxReflectors} reflectors)`).join(', ') || '-'}`,
  ];
}

/** Figures from the files given, or from the day windows stored for the darknet when none are. */
export async function runStats(context: DarknetCommandContext, files: string[], io: CommandIo): Promise<number> {
  const darknet = requireDarknet(context, 'stats');
  let stats: DarknetStatistics;
  if (files.length > 0) {
    stats = await darknetStatistics(files, { darknet, researchRanges: researchRanges(context), skipCorrupt: context.skipCorrupt });
  } else {
    const store = await openStore(context.db);
    try {
      const windows = await store.listDarknetWindows({ darknet, periodSeconds: 86_400, from: context.from, to: context.to });
      if (windows.length === 0) {
        throw new OpenNoticeError(
          'USAGE',
          `the store ${context.db} holds no observations of the darknet ${darknet}: give capture files, or read them in first with 'opennotice darknet ingest FILE... --darknet ${darknet}'`,
        );
      }
      const attacks = await store.listDarknetAttacks({ darknet, qualified: true, from: context.from, to: context.to });
      stats = summarizeWindows(windows, { darknet, darknetSize: darknetRange(darknet).size, attacks });
    } finally {
      await store.close();
    }
  }
  io.stdout.write(context.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStatistics(stats));
  return 0;
}
