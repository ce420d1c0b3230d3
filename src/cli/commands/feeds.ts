import { OpenNoticeError } from '../../core/errors.ts';
import { importFeedFile } from '../../assess/firmware/feeds/import.ts';
import type { FeedImportResult, FeedStore } from '../../assess/firmware/feeds/import.ts';
import { DEFAULT_KEV_URL, DEFAULT_NVD_URL, updateFeeds } from '../../assess/firmware/feeds/update.ts';
import { openStore } from '../../store/open-store.ts';
import type { FeedImportReport } from '../../store/roles/feed-imports.ts';
import { defineCommand, type OptionSpecs, type OptionValues } from '../command.ts';
import type { CommandIo } from '../command.ts';
import { storeOption } from '../store-option.ts';

const formats = ['auto', 'nvd', 'cve5', 'kev', 'jvn'] as const;
const subcommands = ['import', 'update', 'status'] as const;
/** Skipped reasons printed per file; the rest are counted (all are in --json and the store log). */
const SKIPPED_SHOWN = 20;

function describeReport(report: FeedImportReport & { notes?: Array<{ id?: string; reason: string }> }): string {
  const lines = [
    `${report.file} [${report.format}]: read ${report.read}, inserted ${report.inserted}, updated ${report.updated}, unchanged ${report.unchanged}, skipped ${report.skipped.length}` +
      (report.notes && report.notes.length > 0 ? `, notes ${report.notes.length}` : '') +
      (report.through ? `, through ${report.through}` : ''),
  ];
  for (const skipped of report.skipped.slice(0, SKIPPED_SHOWN)) lines.push(`  skipped ${skipped.id ?? '(no id)'}: ${skipped.reason}`);
  if (report.skipped.length > SKIPPED_SHOWN) lines.push(`  … ${report.skipped.length - SKIPPED_SHOWN} more skipped (see --json)`);
  const notes = report.notes ?? [];
  for (const note of notes.slice(0, SKIPPED_SHOWN)) lines.push(`  note ${note.id ?? ''}: ${note.reason}`);
  if (notes.length > SKIPPED_SHOWN) lines.push(`  … ${notes.length - SKIPPED_SHOWN} more notes (see --json)`);
  return `${lines.join('\n')}\n`;
}

const feedsOptions = {
  format: { type: 'string', valueName: 'F', description: `import: ${formats.join(', ')}`, default: 'auto' },
  'api-key': { type: 'string', valueName: 'KEY', description: 'update: NVD API key (or env NVD_API_KEY)' },
  'nvd-url': { type: 'string', valueName: 'URL', description: 'update: NVD CVE API 2.0 endpoint', default: DEFAULT_NVD_URL },
  'kev-url': { type: 'string', valueName: 'URL', description: 'update: CISA KEV JSON feed', default: DEFAULT_KEV_URL },
  since: { type: 'string', valueName: 'DATE', description: 'update: NVD changes since DATE (ISO 8601) instead of the last update' },
  json: { type: 'boolean', description: 'JSON output' },
  db: storeOption,
} as const satisfies OptionSpecs;

type FeedsValues = OptionValues<typeof feedsOptions>;

async function runImport(store: FeedStore, files: string[], values: FeedsValues, io: CommandIo): Promise<number> {
  if (files.length === 0) throw new OpenNoticeError('USAGE', 'feeds import needs at least one FILE (or directory)');
  const format = String(values.format ?? 'auto');
  if (!(formats as readonly string[]).includes(format)) throw new OpenNoticeError('USAGE', `--format must be one of ${formats.join(', ')}`);
  const reports: FeedImportResult[] = [];
  for (const file of files) {
    if (io.signal.aborted) break;
    const report = await importFeedFile(store, file, { format: format as (typeof formats)[number] });
    reports.push(report);
    if (!values.json) io.stdout.write(describeReport(report));
  }
  if (values.json) io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  return 0;
}

async function runUpdate(store: FeedStore, values: FeedsValues, io: CommandIo): Promise<number> {
  const apiKey = (values['api-key'] as string | undefined) ?? process.env.NVD_API_KEY;
  const reports = await updateFeeds(store, {
    nvdUrl: values['nvd-url'] as string | undefined,
    kevUrl: values['kev-url'] as string | undefined,
    apiKey: apiKey && apiKey.trim() !== '' ? apiKey.trim() : undefined,
    since: values.since as string | undefined,
    signal: io.signal,
    onProgress: values.json ? undefined : (message) => io.stderr.write(`${message}\n`),
  });
  if (values.json) io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  else for (const report of reports) io.stdout.write(describeReport(report));
  return 0;
}

async function runStatus(store: FeedStore, values: FeedsValues, io: CommandIo): Promise<number> {
  const counts = await store.vulnerabilityCounts();
  const imports = await store.listFeedImports({ limit: 10 });
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ ...counts, imports }, null, 2)}\n`);
    return 0;
  }
  const total = counts.bySource.reduce((sum, row) => sum + row.count, 0);
  io.stdout.write(
    `vulnerabilities: ${total}${total > 0 ? ` (applicability from ${counts.bySource.map((row) => `${row.source} ${row.count}`).join(', ')})` : ''}\n`,
  );
  if (counts.byFeed.length > 0) io.stdout.write(`feed copies: ${counts.byFeed.map((row) => `${row.source} ${row.count}`).join(', ')}\n`);
  io.stdout.write(`CISA KEV: ${counts.kev} entries, ${counts.kevRansomware} with known ransomware use\n`);
  if (imports.length === 0) io.stdout.write('no feed imports yet: run `opennotice feeds import FILE` or `opennotice feeds update`\n');
  else io.stdout.write('last imports:\n');
  for (const row of imports) {
    io.stdout.write(
      `  #${row.id} ${row.finishedAt} ${row.format.padEnd(7)} ${row.file}: read ${row.read}, +${row.inserted} ~${row.updated} =${row.unchanged}, skipped ${row.skippedCount}${row.through ? `, through ${row.through}` : ''}\n`,
    );
  }
  return 0;
}

export default defineCommand({
  name: 'feeds',
  summary: 'Import and update vulnerability feeds (NVD, CVE JSON 5, CISA KEV, JVN) into the store.',
  usage: 'import FILE... [--format F] | update [--api-key KEY] [--since DATE] | status   [--db FILE|URL] [--json]',
  details: `Subcommands:
  import FILE...  import feed files (NVD CVE API 2.0 JSON, CVE JSON 5 records or a directory of
                  them, CISA KEV JSON, MyJVN XML/JSON; .gz accepted). Re-importing updates, never duplicates.
  update          download what changed since the last update from the NVD CVE API 2.0 and the
                  KEV catalog (needs internet access; rate-limited: 5 requests / 30 s, 50 with an API key).
  status          counts by source, KEV entries, the last imports.
Examples:  opennotice feeds import nvdcve-2.0-2024.json.gz known_exploited_vulnerabilities.json
           opennotice feeds import cvelistV5/cves --format cve5
           NVD_API_KEY=… opennotice feeds update
           opennotice feeds status
See docs/feeds.md.`,
  options: feedsOptions,
  async run(values, positionals, io) {
    const [subcommand, ...rest] = positionals;
    if (!(subcommands as readonly string[]).includes(subcommand ?? '')) {
      throw new OpenNoticeError('USAGE', `feeds needs a subcommand: ${subcommands.join(', ')} (see: opennotice feeds --help)`);
    }
    if (subcommand !== 'import' && rest.length > 0) throw new OpenNoticeError('USAGE', `feeds ${subcommand} takes no arguments, got "${rest.join(' ')}"`);
    const store = await openStore(String(values.db));
    try {
      if (subcommand === 'import') return await runImport(store, rest, values, io);
      if (subcommand === 'update') return await runUpdate(store, values, io);
      return await runStatus(store, values, io);
    } finally {
      await store.close();
    }
  },
});
