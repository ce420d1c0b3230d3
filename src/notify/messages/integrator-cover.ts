/**
 * The cover text of a report to a system integrator, in Japanese or English. Unlike an ISP,
 * an integrator runs the devices itself: the text asks it to fix them (or tell its customer),
 * not to find a subscriber. Kind names, dates and time zone come from the message templates,
 * so the integrator's report reads like the ISP reports in the same language.
 */
import { findingKindsByUrgency } from '../../core/finding-kinds.ts';
import { countByKind, programOf, type NotificationReport } from '../render/report.ts';
import { singleLine } from '../render/text.ts';
import type { EmailAttachment } from './email.ts';
import { formatTime } from './notices.ts';
import type { MessageTemplates } from './templates.ts';

interface CoverWords {
  subject: (values: { program: string; name: string; total: number; date: string }) => string;
  opening: (values: { program: string; name: string; total: number; addresses: number; date: string }) => string;
  request: string;
  attached: string;
  contact: (contact: string) => string;
}

const words: Record<'ja' | 'en', CoverWords> = {
  en: {
    subject: ({ program, name, total, date }) => `[${program}] IoT security report for ${name} (system integrator): ${total} findings up to ${date}`,
    opening: ({ program, name, total, addresses, date }) =>
      `To the security team of ${name},\n\nUp to ${date}, ${program} found ${total} security problems on ${addresses} addresses in the ranges you manage for your customers:`,
    request:
      'You run these devices for your customers, so you can fix them where the owners cannot: please change default passwords, update the firmware, and close remote access that is not needed. The attached notices say what each device needs in plain words, if you prefer to tell the customer.',
    attached: 'Attached:',
    contact: (contact) => `Questions about this report: ${contact}`,
  },
  ja: {
    subject: ({ program, name, total, date }) => `[${program}] ${name} 様（システムインテグレーター）向け IoT セキュリティ報告：${date} までに ${total} 件`,
    opening: ({ program, name, total, addresses, date }) =>
      `${name} セキュリティご担当者様\n\n${date} までに、${program} は貴社がお客様のために管理されているアドレス範囲の ${addresses} アドレスで、${total} 件のセキュリティ上の問題を確認しました。`,
    request:
      'これらの機器は貴社が運用されているため、利用者ご自身よりも確実に対処いただけます。初期パスワードの変更、ファームウェアの更新、不要な遠隔操作機能の停止をお願いいたします。お客様へお知らせになる場合は、添付の通知文に機器ごとの対処が平易に書かれています。',
    attached: '添付ファイル：',
    contact: (contact) => `本報告に関するお問い合わせ：${contact}`,
  },
};

/**
 * @example const { subject, text } = integratorCover(report, attachments, loadMessageTemplates())
 */
export function integratorCover(
  report: NotificationReport,
  attachments: readonly EmailAttachment[],
  templates: MessageTemplates,
): { subject: string; text: string } {
  const language = report.isp.language;
  const texts = templates[language];
  const say = words[language];
  const program = programOf(report);
  const date = formatTime(report.periodEnd, texts.time.offsetMinutes, texts.time.date);
  const total = report.findings.length;
  const counts = countByKind(report.findings);
  const kindLines = findingKindsByUrgency.filter((kind) => counts[kind] > 0).map((kind) => `  ${texts.kindNames[kind]}: ${counts[kind]}`);
  const lines = [
    say.opening({ program: program.name, name: report.isp.name, total, addresses: new Set(report.findings.map((finding) => finding.ip)).size, date }),
    '',
    ...kindLines,
    '',
    say.request,
    '',
    say.attached,
    ...attachments.map((file) => `  ${file.filename}`),
    ...(program.contact ? ['', say.contact(program.contact)] : []),
  ];
  return { subject: singleLine(say.subject({ program: program.name, name: report.isp.name, total, date }), 250), text: `${lines.join('\n')}\n` };
}
