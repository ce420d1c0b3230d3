import { OpenNoticeError } from '../../core/errors.ts';
import { printRunAttempts } from '../audit/attempts.ts';
import { exportAuditTrail, makeAuditKey, verifyAuditTrail } from '../audit/trail.ts';
import { auditKeyVariable } from '../audited-store.ts';
import { defineCommand, integerOption } from '../command.ts';
import { storeOption } from '../store-option.ts';

export default defineCommand({
  name: 'audit',
  summary: 'The audit trail: a run’s login attempts (--run N); verify the tamper-evident chain; export it for a regulator; make its signing key.',
  usage: '--run N [--csv | --json] | verify [--public-key F | --file DIR] | export --out DIR [--public-key F] | keygen --key F',
  details: `Runs with their scope and plan (and each resumption), every login attempt, every notice
delivered and every operator decision (opt-outs, C&C candidates, blocklists published, shares,
web accounts and API tokens) are appended to a hash chain; checkpoints vouch for it, signed
with the key in ${auditKeyVariable} when set (docs/audit.md).
  --run N   the run's login attempts (dictionary entries by id and user name; passwords are never stored)
  verify    walk the chain; exit status 15 and the first broken record when a record was altered,
            removed or moved, or a checkpoint is forged or signed by another key; then compare
            the chain with the tables it mirrors and name each row edited, deleted or added past it
  export    records, checkpoints, public key and a manifest into DIR, verifiable offline (verify --file DIR)
  keygen    a new Ed25519 key pair: KEY and KEY.pub
Examples:  opennotice audit --run 3 --csv > run-3-attempts.csv
           opennotice audit keygen --key /etc/opennotice/audit.key
           opennotice audit verify --public-key /etc/opennotice/audit.key.pub
           opennotice audit export --out audit-2026-12 && opennotice audit verify --file audit-2026-12`,
  options: {
    run: { type: 'string', valueName: 'N', description: 'survey run whose login attempts to show (see: opennotice runs)' },
    csv: { type: 'boolean', description: '--run: CSV with a header row' },
    json: { type: 'boolean', description: '--run: JSON array' },
    'public-key': { type: 'string', valueName: 'FILE', description: 'verify: check checkpoint signatures with this key; export: the key to include' },
    file: { type: 'string', valueName: 'DIR', description: 'verify: an export directory instead of the store' },
    out: { type: 'string', valueName: 'DIR', description: 'export: the directory to write' },
    key: { type: 'string', valueName: 'FILE', description: 'keygen: where to write the private key (FILE.pub gets the public key)' },
    db: storeOption,
  },
  async run(values, positionals, io) {
    const [subcommand] = positionals;
    const db = String(values.db);
    if (subcommand === 'verify') return verifyAuditTrail({ db, exportDirectory: values.file, publicKeyFile: values['public-key'] }, io);
    if (subcommand === 'export') {
      if (!values.out) throw new OpenNoticeError('USAGE', 'audit export needs --out DIR');
      return exportAuditTrail({ db, out: values.out, publicKeyFile: values['public-key'] }, io, process.env);
    }
    if (subcommand === 'keygen') {
      if (!values.key) throw new OpenNoticeError('USAGE', 'audit keygen needs --key FILE');
      return makeAuditKey(values.key, io);
    }
    if (subcommand !== undefined) throw new OpenNoticeError('USAGE', `unknown audit subcommand "${subcommand}" (verify, export or keygen; or --run N)`);
    const runId = integerOption(values.run, 'run', { min: 1, max: Number.MAX_SAFE_INTEGER });
    if (runId === undefined) throw new OpenNoticeError('USAGE', '--run N is required (see: opennotice runs), or a subcommand: verify, export, keygen');
    return printRunAttempts({ db, runId, format: values.json ? 'json' : values.csv ? 'csv' : 'table' }, io);
  },
});
