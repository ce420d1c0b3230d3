/**
 * The demo's notification step: the lab's synthetic ISPs go into the registry, every finding
 * is attributed to its network, and one report per ISP is delivered — by e-mail to the lab's
 * SMTP sink and by signed webhook to its receiver, both real servers on loopback — with a
 * randomized hold-out kept back so the tracking step can measure what notifying changed.
 */
import { randomBytes } from 'node:crypto';
import { createAttributor, createIspRegistry, createPrefixTable } from '../../attribution/index.ts';
import { labIsps } from '../../lab/isps.ts';
import { startSmtpSink, type SmtpSink } from '../../lab/smtp-sink.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../lab/webhook-receiver.ts';
import { attributeFindings } from '../../notify/attribute-findings.ts';
import { buildIspReports, type IspReportResult } from '../../notify/build-reports.ts';
import { loadMessageTemplates } from '../../notify/messages/templates.ts';
import { deliverDue, type OutboxPass } from '../../notify/outbox.ts';
import { createSmtpTransport, createWebhookTransport } from '../../notify/transports/index.ts';
import type { Store } from '../../store/store.ts';
import type { Study } from '../../track/study.ts';
import type { DemoClock } from './clock.ts';

/** The demo's study: a tenth of the findings are held back for the whole simulated month. */
export const demoStudy: Study = { name: 'demo hold-out', share: 0.1, key: 'opennotice-demo-study', delayDays: 60 };

export interface DemoContacts {
  sink: SmtpSink;
  receiver: WebhookReceiver;
  close(): Promise<void>;
}

/** The ISPs' mailboxes and webhook endpoint, on loopback. */
export async function startDemoContacts(clock: DemoClock): Promise<DemoContacts & { secret: string }> {
  const secret = randomBytes(16).toString('hex');
  const sink = await startSmtpSink();
  const receiver = await startWebhookReceiver({ secret, nowSeconds: () => Math.floor(clock.now().getTime() / 1000) });
  return {
    sink,
    receiver,
    secret,
    close: async () => {
      await sink.close();
      await receiver.close();
    },
  };
}

/**
 * Register the lab's ISPs and attribute every finding; returns lines to print.
 * @example io.stdout.write(await attributeDemoFindings(store, cidr, receiver.url, clock))
 */
export async function attributeDemoFindings(store: Store, cidr: string, webhookUrl: string, clock: DemoClock): Promise<string> {
  const network = labIsps(cidr, { webhookUrl });
  await store.upsertIsps(network.isps, { at: clock.now().toISOString() });
  // The lab's routes use documentation ASNs, which the file loaders drop: build the table directly.
  const attributor = createAttributor({ table: createPrefixTable(network.prefixes), registry: createIspRegistry(await store.listIsps()) });
  const summary = await attributeFindings(store, (ip) => attributor.attributeSync(ip), { at: clock.now().toISOString() });
  const lines = [`Attributed ${summary.findings} findings on ${summary.addresses} addresses to the lab's ${network.isps.length} ISPs:`];
  for (const [isp, count] of Object.entries(summary.byIsp).sort((a, b) => b[1] - a[1])) lines.push(`  ${isp.padEnd(22)} ${count}`);
  for (const [reason, count] of Object.entries(summary.unattributed).sort((a, b) => b[1] - a[1])) lines.push(`  unattributed: ${reason}: ${count}`);
  return `${lines.join('\n')}\n`;
}

export interface DemoNotifyPass {
  results: IspReportResult[];
  delivery: OutboxPass;
}

/**
 * Build the due reports and deliver them to the lab's contacts.
 * @example const pass = await notifyDemoIsps({ store, contacts, clock, renotifyAfterDays: 14 })
 */
export async function notifyDemoIsps(options: {
  store: Store;
  contacts: DemoContacts & { secret: string };
  clock: DemoClock;
  renotifyAfterDays: number;
}): Promise<DemoNotifyPass> {
  const { store, contacts, clock } = options;
  const results = await buildIspReports({
    store,
    templates: loadMessageTemplates(),
    from: 'notice@opennotice.invalid',
    now: clock.now().toISOString(),
    renotifyAfterDays: options.renotifyAfterDays,
    holdout: demoStudy,
  });
  const smtp = createSmtpTransport({ host: contacts.sink.host, port: contacts.sink.port, heloName: 'opennotice.invalid', startTls: 'never', now: clock.now });
  const delivery = await deliverDue({
    store,
    now: clock.now,
    transportFor: (entry) => (entry.channel === 'webhook' ? createWebhookTransport({ url: entry.destination, secret: contacts.secret, now: clock.now }) : smtp),
  });
  return { results, delivery };
}

/** One line per ISP and the delivery totals. */
export function formatNotifyPass(pass: DemoNotifyPass, contacts: DemoContacts): string {
  const lines = pass.results.map(
    (result) =>
      `  ${result.ispName.padEnd(22)} new ${String(result.fresh).padStart(4)}  reminders ${String(result.reminders).padStart(4)}  held back ${String(result.held).padStart(4)}  ${[...new Set(result.channels.map((channel) => channel.split(':')[0]))].join('+') || '-'}${result.note ? `  (${result.note})` : ''}`,
  );
  const webhooks = contacts.receiver.deliveries();
  lines.push(
    `  delivered ${pass.delivery.delivered} (${contacts.sink.messages().length} e-mails in the lab's mailbox so far, ${webhooks.filter((delivery) => delivery.accepted && delivery.signatureValid).length} signed webhooks accepted), ${pass.delivery.retrying} to retry, ${pass.delivery.failed} failed`,
  );
  return `${lines.join('\n')}\n`;
}
