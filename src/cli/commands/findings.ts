import { OpenNoticeError } from '../../core/errors.ts';
import type { FindingKind } from '../../core/records.ts';
import { loadDictionary } from '../../assess/credentials/dictionary.ts';
import { renderFindingsCsv, renderFindingsJson, renderFindingsTable } from '../../report/findings.ts';
import { openStore } from '../../store/open-store.ts';
import type { FindingRow } from '../../store/row-types.ts';
import { defineCommand, integerOption } from '../command.ts';
import { findingKinds, isFindingKind } from '../../core/finding-kinds.ts';
import { storeOption } from '../store-option.ts';

const statuses = ['open', 'closed', 'all'] as const;

/** The operator's own view may resolve entry ids to the pair that worked; reports never do. */
function revealCredentials(rows: FindingRow[], dictionaryFile?: string): FindingRow[] {
  const entries = new Map(loadDictionary(dictionaryFile).map((entry) => [entry.id, entry]));
  return rows.map((row) => {
    const entry = row.dictionaryEntryId ? entries.get(row.dictionaryEntryId) : undefined;
    return entry ? { ...row, evidence: { ...row.evidence, username: entry.username, password: entry.password } } : row;
  });
}

export default defineCommand({
  name: 'findings',
  summary: 'List findings (weak credentials, no authentication, vulnerable firmware, infected devices) device by device, as a table, JSON or CSV.',
  usage: '[--status open|closed|all] [--kind KIND] [--run N] [--json | --csv]',
  details: `Findings show the dictionary entry id that worked (e.g. on-001), never the password;
--show-credentials resolves ids against the dictionary for the operator's own eyes.
Examples:  opennotice findings
           opennotice findings --csv > findings.csv
           opennotice findings --status closed --json`,
  options: {
    status: { type: 'string', valueName: 'STATUS', description: 'open, closed or all', default: 'open' },
    kind: { type: 'string', valueName: 'KIND', description: 'weak-credential, no-authentication, vulnerable-firmware or infected' },
    run: { type: 'string', valueName: 'N', description: 'only findings seen or closed by survey run N' },
    json: { type: 'boolean', description: 'JSON array' },
    csv: { type: 'boolean', description: 'CSV with a header row' },
    'show-credentials': { type: 'boolean', description: 'add the username and password of the entry (operator view only)' },
    dictionary: { type: 'string', valueName: 'FILE', description: 'dictionary used by the survey, for --show-credentials' },
    db: storeOption,
  },
  async run(values, _positionals, io) {
    const status = String(values.status);
    if (!(statuses as readonly string[]).includes(status)) throw new OpenNoticeError('USAGE', `--status must be one of ${statuses.join(', ')}`);
    if (values.kind !== undefined && !isFindingKind(String(values.kind)))
      throw new OpenNoticeError('USAGE', `--kind must be one of ${findingKinds.join(', ')}`);
    if (values.json && values.csv) throw new OpenNoticeError('USAGE', 'choose one of --json and --csv');
    const store = await openStore(String(values.db));
    try {
      let rows = await store.listFindings({
        status: status === 'all' ? undefined : (status as 'open' | 'closed'),
        kind: values.kind as FindingKind | undefined,
        runId: integerOption(values.run, 'run', { min: 1, max: Number.MAX_SAFE_INTEGER }),
      });
      if (values['show-credentials']) rows = revealCredentials(rows, values.dictionary as string | undefined);
      if (values.json) io.stdout.write(renderFindingsJson(rows));
      else if (values.csv) io.stdout.write(renderFindingsCsv(rows));
      else io.stdout.write(rows.length === 0 ? 'no findings\n' : renderFindingsTable(rows, { color: Boolean(io.stdout.isTTY) }));
      return 0;
    } finally {
      await store.close();
    }
  },
});
