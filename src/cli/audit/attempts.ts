/** `opennotice audit --run N`: one survey run's credential attempts, with the plan they were made under. */
import { addressWithPort } from '../../scope/canonical-address.ts';
import { printable, renderCsv } from '../../report/cells.ts';
import { openStore } from '../../store/open-store.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import type { CommandIo } from '../command.ts';

export interface RunAttemptsRequest {
  db: string;
  runId: number;
  format: 'table' | 'csv' | 'json';
}

/** @example await printRunAttempts({ db: 'opennotice.sqlite', runId: 3, format: 'csv' }, io) */
export async function printRunAttempts(request: RunAttemptsRequest, io: CommandIo): Promise<number> {
  const { runId } = request;
  const store = await openStore(request.db);
  try {
    const run = await store.getRun(runId);
    if (!run) throw new OpenNoticeError('USAGE', `there is no survey run ${runId} in ${store.location}`);
    const attempts = await store.listAttempts(runId);
    if (request.format === 'json') {
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
    if (request.format === 'csv') {
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
}
