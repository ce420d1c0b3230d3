import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { OpenNoticeError } from '../../core/errors.ts';
import { createOptOutRangeCheck, type RangeConcern } from '../../server/opt-out-ranges.ts';
import { openAuditedStore } from '../audited-store.ts';
import type { OptOutRequestRow, OptOutStatus } from '../../store/roles/opt-outs.ts';
import { defineCommand } from '../command.ts';
import { storeOption } from '../store-option.ts';

/**
 * Approved requests as a CIDR list (the format `--exclude-file` reads): a comment line per
 * request, then its ranges. No contact details: the file may be handed to other scanners.
 * @example formatExclusionList(approved, '2026-03-01T00:00:00Z')
 */
export function formatExclusionList(approved: readonly OptOutRequestRow[], exportedAt: string): string {
  const lines = [`# opennotice opt-out exclusions, ${approved.length} approved requests, exported ${exportedAt}`];
  for (const request of [...approved].sort((a, b) => a.id - b.id)) {
    lines.push(`# opt-out request ${request.id}, requested ${request.requestedAt}, approved ${request.decidedAt ?? '?'} by ${request.decidedBy ?? '?'}`);
    lines.push(...request.cidrs);
  }
  return `${lines.join('\n')}\n`;
}

const oneLine = (text: string, width: number) => {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
};

/** The same warnings the dashboard's queue shows, so a decision on the command line is as informed. */
function concernLine(concern: RangeConcern): string {
  return concern.kind === 'special-purpose'
    ? `       warning: ${concern.cidr} overlaps ${concern.overlaps} (${concern.why}), special-purpose space that is never surveyed`
    : `       warning: ${concern.cidr} is very broad (/${concern.prefixLength}; a network rarely holds more than a /${concern.shortestUsual}): check the requester holds all of it`;
}

function formatTable(rows: readonly OptOutRequestRow[]): string {
  if (rows.length === 0) return 'no opt-out requests\n';
  const ranges = createOptOutRangeCheck();
  const lines = ['ID     STATUS    REQUESTED             FROM             CONTACT                         RANGES'];
  for (const row of rows) {
    lines.push(
      `${String(row.id).padEnd(6)} ${row.status.padEnd(9)} ${row.requestedAt.slice(0, 19).padEnd(21)} ${oneLine(row.requesterAddress, 16).padEnd(16)} ${oneLine(row.contact, 31).padEnd(31)} ${row.cidrs.join(',')}`,
    );
    lines.push(...ranges.concerns(row.cidrs).map(concernLine));
    if (row.reason) lines.push(`       reason: ${oneLine(row.reason, 100)}`);
    if (row.decidedAt) lines.push(`       ${row.status} ${row.decidedAt} by ${oneLine(row.decidedBy ?? '?', 40)}`);
  }
  return `${lines.join('\n')}\n`;
}

const statuses: readonly OptOutStatus[] = ['pending', 'approved', 'rejected'];

export default defineCommand({
  name: 'optouts',
  summary: 'Opt-out requests from the public form: list them, approve or reject one, export the approved ranges as an exclusion list.',
  usage: 'list [--status S] [--json] | approve ID | reject ID | export [--out FILE]',
  details: `Network owners ask through the public page /opt-out; each request waits for the operator
(here or on the dashboard's /dashboard/opt-outs). Approved ranges are excluded from every
later 'opennotice survey' on this store automatically. 'export' writes them one CIDR a line
with a comment per request, the format --exclude-file reads (for other scanners or stores).`,
  options: {
    status: { type: 'string', valueName: 'STATUS', description: 'list: pending, approved or rejected' },
    json: { type: 'boolean', description: 'list: JSON' },
    by: { type: 'string', valueName: 'NAME', description: 'approve/reject: who decides (default: the login name)' },
    out: { type: 'string', valueName: 'FILE', description: 'export: write here instead of stdout' },
    db: storeOption,
  },
  async run(values, positionals, io) {
    const [subcommand, idText] = positionals;
    if (!['list', 'approve', 'reject', 'export'].includes(subcommand ?? ''))
      throw new OpenNoticeError('USAGE', `unknown optouts subcommand "${subcommand ?? ''}" (list, approve, reject or export)`);
    const status = values.status === undefined ? undefined : String(values.status);
    if (status !== undefined && !statuses.includes(status as OptOutStatus))
      throw new OpenNoticeError('USAGE', `--status must be one of ${statuses.join(', ')}`);
    const store = await openAuditedStore(String(values.db)); // runs, attempts, deliveries and decisions go into the audit trail
    try {
      if (subcommand === 'list') {
        const rows = await store.listOptOutRequests(status ? { status: status as OptOutStatus } : {});
        io.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : formatTable(rows));
        return 0;
      }
      if (subcommand === 'export') {
        const text = formatExclusionList(await store.listOptOutRequests({ status: 'approved' }), new Date().toISOString());
        if (typeof values.out === 'string') {
          writeFileSync(values.out, text);
          io.stdout.write(`wrote ${values.out}\n`);
        } else io.stdout.write(text);
        return 0;
      }
      if (!idText || !/^\d{1,15}$/.test(idText)) throw new OpenNoticeError('USAGE', `optouts ${subcommand} needs a request id (see 'opennotice optouts list')`);
      const id = Number(idText);
      const existing = await store.getOptOutRequest(id);
      if (!existing) throw new OpenNoticeError('USAGE', `there is no opt-out request ${id}`);
      if (existing.status !== 'pending')
        throw new OpenNoticeError(
          'USAGE',
          `opt-out request ${id} was already ${existing.status} (${existing.decidedAt ?? ''} by ${existing.decidedBy ?? '?'})`,
        );
      const decision = subcommand === 'approve' ? 'approved' : 'rejected';
      await store.decideOptOutRequest(id, {
        status: decision,
        at: new Date().toISOString(),
        by: typeof values.by === 'string' ? values.by : userInfo().username,
      });
      io.stdout.write(`opt-out request ${id} ${decision}: ${existing.cidrs.join(', ')}${decision === 'approved' ? ' (excluded from later surveys)' : ''}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
});
