import { addressWithPort } from '../../scope/canonical-address.ts';
import { printable, renderCsv } from '../../report/cells.ts';
import { openStore } from '../../store/open-store.ts';
import { defineCommand, integerOption } from '../command.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { storeOption } from '../store-option.ts';

export default defineCommand({
  name: 'audit',
  summary: 'Show the audit log of a survey run: every login attempt, the entry tried, its outcome and the plan it was made under.',
  usage: '--run N [--csv | --json]',
  details: `The log names dictionary entries by id and user name; passwords are never stored.
Example:  opennotice audit --run 3 --csv > run-3-attempts.csv`,
  options: {
    run: { type: 'string', valueName: 'N', description: 'survey run (see: opennotice runs)' },
    csv: { type: 'boolean', description: 'CSV with a header row' },
    json: { type: 'boolean', description: 'JSON array' },
    db: storeOption,
  },
  async run(values, _positionals, io) {
    const runId = integerOption(values.run, 'run', { min: 1, max: Number.MAX_SAFE_INTEGER });
    if (runId === undefined) throw new OpenNoticeError('USAGE', '--run N is required (see: opennotice runs)');
    const store = await openStore(String(values.db));
    try {
      const run = await store.getRun(runId);
      if (!run) throw new OpenNoticeError('USAGE', `there is no survey run ${runId} in ${store.location}`);
      const attempts = await store.listAttempts(runId);
      if (values.json) {
        io.stdout.write(`${JSON.stringify(attempts, null, 2)}\n`);
        return 0;
      }
      const header = ['attempted_at', 'ip', 'port', 'protocol', 'dictionary_entry_id', 'username', 'outcome', 'detail', 'plan_file', 'plan_sha256', 'operator'];
      const rows = attempts.map((attempt) => [
        attempt.attemptedAt,
        attempt.ip,
        attempt.port,
        attempt.protocol,
        attempt.dictionaryEntryId,
        attempt.username,
        attempt.outcome,
        attempt.detail ?? '',
        attempt.plan?.file ?? '',
        attempt.plan?.sha256 ?? '',
        attempt.plan?.operator ?? '',
      ]);
      if (values.csv) {
        io.stdout.write(renderCsv(header, rows));
        return 0;
      }
      const plan = run.plan ? `plan ${run.plan.file} (sha256 ${run.plan.sha256.slice(0, 12)}…, ${run.plan.operator})` : 'no plan (loopback scope)';
      io.stdout.write(`run ${runId}: ${attempts.length} login attempts, ${plan}\n`);
      for (const attempt of attempts) {
        io.stdout.write(
          `${attempt.attemptedAt}  ${addressWithPort(attempt.ip, attempt.port).padEnd(21)} ${attempt.protocol.padEnd(7)} ${attempt.dictionaryEntryId.padEnd(7)} ${attempt.username.padEnd(14)} ${attempt.outcome}${attempt.detail ? `  (${printable(attempt.detail)})` : ''}\n`,
        );
      }
      return 0;
    } finally {
      await store.close();
    }
  },
});
