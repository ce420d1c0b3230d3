import { OpenNoticeError } from '../../core/errors.ts';
import { recipientById, readSharingRecipients } from '../../sharing/sharing-registry-file.ts';
import { renderShare, writeShare } from '../../sharing/share-export.ts';
import { planShare } from '../../sharing/share-plan.ts';
import { openStore } from '../../store/open-store.ts';
import type { DataSharedEvent } from '../../audit/events.ts';
import { recordAuditEvents } from '../audited-store.ts';
import { defineCommand } from '../command.ts';
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import { storeOption } from '../store-option.ts';

export default defineCommand({
  name: 'share',
  summary: 'Anonymized sharing: export findings for one recipient under its policy (full, masked, aggregated) with TLP 2.0 labels.',
  usage: 'export --registry FILE --recipient ID (--out DIR | --dry-run) [--all]',
  details: `Recipients and their policies are the "sharing" section of the ISP registry file
(docs/sharing.md). Files are written per format and TLP label (MISP event JSON, STIX 2.1,
IntelMQ events, Shadowserver CSV, aggregated counts), with a manifest. TLP:RED items never
leave; a masked or aggregated export that would hold a subscriber address is refused.
  opennotice share export --registry examples/isps.yaml --recipient national-cert --dry-run`,
  options: {
    registry: { type: 'string', valueName: 'FILE', description: 'the ISP registry file with the sharing section' },
    recipient: { type: 'string', valueName: 'ID', description: 'the sharing recipient id' },
    out: { type: 'string', valueName: 'DIR', description: 'folder the files are written to' },
    'dry-run': { type: 'boolean', description: 'list the files and what is withheld, write nothing' },
    all: { type: 'boolean', description: 'closed findings too (default: open findings only)' },
    db: storeOption,
  },
  async run(values, positionals, io) {
    if (positionals[0] !== 'export') throw new OpenNoticeError('USAGE', `unknown share subcommand "${positionals[0] ?? ''}" (export)`);
    if (!values.registry) throw new OpenNoticeError('USAGE', 'share export needs --registry FILE');
    if (!values.recipient) throw new OpenNoticeError('USAGE', 'share export needs --recipient ID');
    if (!values.out && !values['dry-run']) throw new OpenNoticeError('USAGE', 'share export needs --out DIR or --dry-run');
    const recipient = recipientById(readSharingRecipients(values.registry), values.recipient);
    const store = await openStore(String(values.db));
    let shared: DataSharedEvent | undefined;
    try {
      const findings = await store.listNotifiableFindings(values.all ? {} : { status: 'open' });
      const plan = planShare(findings, recipient);
      const files = renderShare({ plan, generatedAt: new Date().toISOString() });
      const withheld = `withheld: ${plan.withheld.tlpRed} TLP:RED findings, ${plan.withheld.cellsBelowK} cells under k=${recipient.kAnonymity} (${plan.withheld.belowK} findings)`;
      if (values['dry-run']) {
        io.stdout.write(`recipient ${recipient.id} (${recipient.policy}), ${findings.length} findings considered\n`);
        for (const file of files) io.stdout.write(`  ${file.name}  TLP:${file.tlp}  ${file.items} items  ${file.text.length} bytes\n`);
        io.stdout.write(`  ${withheld}\n`);
        return 0;
      }
      const written = writeShare(files, plan, values.out!);
      io.stdout.write(`wrote ${written.length} files to ${values.out} for ${recipient.id}; ${withheld}\n`);
      shared = {
        kind: 'data-shared',
        recipient: recipient.id,
        policy: recipient.policy,
        directory: values.out!,
        sharedAt: new Date().toISOString(),
        findingsConsidered: findings.length,
        files: Object.fromEntries(files.map((file) => [file.name, createHash('sha256').update(file.text).digest('hex')])),
        withheld: plan.withheld,
        by: userInfo().username,
      };
    } finally {
      await store.close();
    }
    // What left for whom goes into the audit trail (after the store above is closed: one writer at a time).
    if (shared) await recordAuditEvents(String(values.db), [shared]);
    return 0;
  },
});
