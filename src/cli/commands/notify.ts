import { OpenNoticeError } from '../../core/errors.ts';
import { buildIspReports } from '../../notify/build-reports.ts';
import { buildIntegratorReports } from '../../notify/integrator-reports.ts';
import { loadMessageTemplates } from '../../notify/messages/templates.ts';
import { deliverDue } from '../../notify/outbox.ts';
import { writeVendorReports } from '../../notify/vendor-reports.ts';
import { buildSectorReports } from '../../notify/sector-reports.ts';
import { readSectorContacts } from '../../attribution/sector-contacts.ts';
import { createFileDropTransport, createSmtpTransport, createWebhookTransport } from '../../notify/transports/index.ts';
import type { Transport } from '../../notify/transports/types.ts';
import { openAuditedStore } from '../audited-store.ts';
import { readStudyFile } from '../../track/study.ts';
import type { OutboxRow } from '../../store/roles/outbox.ts';
import { defineCommand, integerOption, type OptionSpecs, type OptionValues } from '../command.ts';
import { storeOption } from '../store-option.ts';

/** The transport for an outbox entry, or a stand-in that leaves it waiting with the reason. */
const notifyOptions = {
  'dry-run': { type: 'boolean', description: 'count what would be reported; write and send nothing' },
  smtp: { type: 'string', valueName: 'HOST:PORT', description: 'mail relay for the e-mails' },
  helo: { type: 'string', valueName: 'NAME', description: 'name this host gives in EHLO', default: 'opennotice.invalid' },
  'require-tls': { type: 'boolean', description: 'refuse to send mail without STARTTLS' },
  from: { type: 'string', valueName: 'ADDR', description: 'sender address', default: 'notice@opennotice.invalid' },
  'test-address': { type: 'string', valueName: 'ADDR', description: 'send every e-mail here instead (try a set-up without bothering ISPs)' },
  'file-drop': { type: 'string', valueName: 'DIR', description: 'also write every report into this folder' },
  'renotify-days': { type: 'string', valueName: 'N', description: 'remind about a finding still open after N days', default: '30' },
  'vendor-reports': {
    type: 'string',
    valueName: 'DIR',
    description: 'also write one report per device vendor (models, firmware, CVEs; no addresses) into DIR, for manufacturers',
  },
  'sector-contacts': {
    type: 'string',
    valueName: 'FILE',
    description: "also report open findings on critical devices to each sector's contacts (the sectorContacts of an ISP registry file)",
  },
  study: {
    type: 'string',
    valueName: 'FILE',
    description: 'hold-out study: its control findings are reported only after its delayDays (examples/study.yaml)',
  },
  'deliver-only': { type: 'boolean', description: 'only retry what waits in the outbox; build no new reports' },
  db: storeOption,
} as const satisfies OptionSpecs;

type NotifyValues = OptionValues<typeof notifyOptions>;

function transports(values: NotifyValues): (entry: OutboxRow) => Transport {
  const waiting = (name: Transport['name'], reason: string): Transport => ({ name, send: async () => ({ status: 'temporary-failure', detail: reason }) });
  let smtp: Transport = waiting('smtp', 'no mail relay configured (--smtp HOST:PORT)');
  if (typeof values.smtp === 'string') {
    const [host, port] = values.smtp.split(':');
    if (!host || !Number.isInteger(Number(port))) throw new OpenNoticeError('USAGE', `--smtp must be HOST:PORT, got "${values.smtp}"`);
    smtp = createSmtpTransport({ host, port: Number(port), heloName: String(values.helo), startTls: values['require-tls'] ? 'required' : 'opportunistic' });
  }
  const secret = process.env.OPENNOTICE_WEBHOOK_SECRET;
  const file =
    typeof values['file-drop'] === 'string' ? createFileDropTransport({ directory: values['file-drop'] }) : waiting('file', 'no --file-drop DIR given');
  return (entry) => {
    if (entry.channel === 'smtp') return smtp;
    if (entry.channel === 'file') return file;
    if (!secret) return waiting('webhook', 'OPENNOTICE_WEBHOOK_SECRET is not set');
    return createWebhookTransport({ url: entry.destination, secret });
  };
}

export default defineCommand({
  name: 'notify',
  summary: 'Build one report per ISP with its new (or due) findings and deliver it through the outbox: e-mail, webhook, file drop.',
  usage: '[--dry-run] [--smtp HOST:PORT] [--from ADDR] [--test-address ADDR] [--file-drop DIR]',
  details: `Run 'opennotice attribute' first. Each ISP in the registry gets one report with its open
findings never reported before, plus reminders for findings reported --renotify-days ago and
seen again since; in its language and format, with notices to forward to subscribers. Reports
and their deliveries are written to the store's outbox in one step, then sent; a failed
delivery is retried with backoff on the next run, and nothing is sent twice (docs/notification.md).
Webhooks are signed with OPENNOTICE_WEBHOOK_SECRET. --vendor-reports DIR writes one report per
device vendor (by model and firmware, no addresses) for the operator to forward to manufacturers.
Each system integrator in the registry gets its own report of the open findings in the ranges
it manages (same selection and delivery; CSV and notices in its language).
--sector-contacts FILE also sends each critical sector's contacts (the sectorContacts of an ISP
registry file) the open findings on that sector's critical devices; findings on critical devices
come first in every report and are reminded about weekly.
  opennotice notify --dry-run                                  # what would be sent
  opennotice notify --smtp 127.0.0.1:2525 --test-address me@program.example`,
  options: notifyOptions,
  async run(values, _positionals, io) {
    const store = await openAuditedStore(String(values.db)); // runs, attempts, deliveries and decisions go into the audit trail
    try {
      const now = new Date().toISOString();
      if (!values['deliver-only']) {
        const study = typeof values.study === 'string' ? readStudyFile(values.study) : undefined;
        const reportOptions = {
          store,
          templates: loadMessageTemplates(),
          from: String(values.from),
          now,
          dryRun: Boolean(values['dry-run']),
          fileDrop: typeof values['file-drop'] === 'string',
          renotifyAfterDays: integerOption(values['renotify-days'], 'renotify-days', { min: 1, max: 3650 }),
          ...(study ? { holdout: study } : {}),
        };
        const results = await buildIspReports(reportOptions);
        for (const result of results) {
          const made =
            result.reportId !== undefined
              ? result.created
                ? ` → report ${result.reportId}`
                : ` → report ${result.reportId} (made before)`
              : values['dry-run'] && !result.note
                ? ' (dry run)'
                : '';
          io.stdout.write(
            `${result.ispId.padEnd(20)} new ${String(result.fresh).padStart(5)}  reminders ${String(result.reminders).padStart(4)}  held ${String(result.held).padStart(5)}${made}${result.note ? `  (${result.note})` : ''}\n`,
          );
        }
        for (const result of await buildIntegratorReports(reportOptions)) {
          const made = result.reportId !== undefined ? (result.created ? ` → report ${result.reportId}` : ` → report ${result.reportId} (made before)`) : '';
          io.stdout.write(
            `integrator ${result.integratorId.padEnd(20)} new ${String(result.fresh).padStart(5)}  reminders ${String(result.reminders).padStart(4)}  held ${String(result.held).padStart(5)}${made}${result.note ? `  (${result.note})` : ''}\n`,
          );
        }
        if (typeof values['vendor-reports'] === 'string') {
          for (const result of await writeVendorReports({
            store,
            directory: values['vendor-reports'],
            now,
            from: String(values.from),
            dryRun: Boolean(values['dry-run']),
          })) {
            const made = result.reportId !== undefined ? (result.created ? ` → report ${result.reportId}` : ' (made before)') : '';
            io.stdout.write(
              `vendor ${result.vendor.padEnd(18)} devices ${String(result.devices).padStart(5)}  models ${String(result.models).padStart(3)}${made}${result.note ? `  (${result.note})` : ''}\n`,
            );
          }
        }
        if (typeof values['sector-contacts'] === 'string') {
          for (const result of await buildSectorReports({
            store,
            contacts: readSectorContacts(values['sector-contacts']),
            from: String(values.from),
            now,
            dryRun: Boolean(values['dry-run']),
          })) {
            const made = result.reportId !== undefined ? (result.created ? ` → report ${result.reportId}` : ' (made before)') : '';
            io.stdout.write(
              `sector ${result.sector.padEnd(18)} devices ${String(result.devices).padStart(5)}  findings ${String(result.findings).padStart(5)}${made}${result.note ? `  (${result.note})` : ''}
`,
            );
          }
        }
        const unattributed = (await store.listNotifiableFindings({ status: 'open' })).filter((finding) => !finding.attribution.ispId).length;
        if (unattributed > 0) io.stdout.write(`${unattributed} open findings have no ISP (run 'opennotice attribute'; see 'opennotice findings')\n`);
      }
      if (values['dry-run']) return 0;
      const pass = await deliverDue({
        store,
        transportFor: transports(values),
        signal: io.signal,
        ...(typeof values['test-address'] === 'string' ? { redirectTo: values['test-address'] } : {}),
        onAttempt: (entry, outcome) => {
          if (outcome.status !== 'delivered') io.stderr.write(`${entry.channel} ${entry.destination}: ${outcome.status}: ${outcome.detail}\n`);
        },
      });
      const waiting = (await store.listOutbox({ status: 'pending' })).length;
      io.stdout.write(`outbox: ${pass.delivered} delivered, ${pass.retrying} to retry, ${pass.failed} failed; ${waiting} waiting\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
});
