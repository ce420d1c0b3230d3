/**
 * GET /dashboard/findings/:id: one finding — the device, the evidence, and its history in
 * time order: first seen, each reconciliation event, the reports that carried it and their
 * deliveries, re-survey outcomes, closing, and ISP feedback. Banners, titles and every other
 * device-sourced string go through `html`, which escapes them.
 */
import { html, type SafeHtml } from '../html.ts';
import { renderPage } from '../layout.ts';
import type { Locale, WebRequest, WebResponse } from '../route-types.ts';
import type { FindingHistory } from '../../store/roles/dashboard-findings.ts';
import type { OwnerContact } from '../../core/records.ts';
import { drillPath } from './dashboard-page.ts';
import { formatTime, keyLabel, kindLabel } from './labels.ts';

const texts = {
  en: {
    title: 'Finding',
    summary: 'Finding',
    device: 'Device',
    attribution: 'Attribution',
    evidence: 'Evidence',
    service: 'What the survey saw on the service',
    history: 'History',
    darknet: 'Darknet observations',
    kind: 'Kind',
    status: 'Status',
    address: 'Address',
    service_: 'Service',
    entry: 'Dictionary entry',
    firstSeen: 'First seen',
    lastSeen: 'Last seen',
    closedAt: 'Closed (remediated)',
    vendor: 'Vendor',
    model: 'Model',
    type: 'Type',
    firmware: 'Firmware',
    hardware: 'Hardware',
    sector: 'Critical sector',
    ownerContact: 'Owner / installer contact (shown by the device; operator only, never exported)',
    company: 'Company',
    phone: 'Phone',
    email: 'E-mail',
    readFrom: 'Read from',
    year: 'Release year',
    cpe: 'CPE',
    confidence: 'Confidence',
    rules: 'Identification rules',
    prefix: 'Prefix',
    asn: 'AS',
    isp: 'ISP',
    source: 'Source',
    reason: 'Why no ISP',
    notAttributed: 'Not attributed yet.',
    noDevice: 'The device was not identified.',
    noService: 'No service record for this finding.',
    when: 'When',
    what: 'What',
    detail: 'Detail',
    opened: 'Found (opened)',
    closed: 'Closed: a re-survey no longer found it',
    reopened: 'Found again (reopened)',
    missed: 'Re-check did not reproduce it',
    run: 'run',
    report: 'Report',
    delivered: 'delivered',
    pending: 'pending',
    failed: 'failed',
    attempts: 'attempts',
    feedback: 'ISP feedback',
    resurvey: 'Re-survey',
    lastRun: 'Last run that saw it',
    misses: 'Checks in a row that missed it since',
    window: 'Window',
    packets: 'Packets',
    destinations: 'Distinct destinations',
    family: 'Family',
    back: 'Findings of this kind',
    actions: {
      handled: 'handled',
      'subscriber-contacted': 'subscriber contacted',
      'device-replaced': 'device replaced',
      'false-positive': 'false positive',
    } as Record<string, string>,
  },
  ja: {
    title: '検出',
    summary: '検出',
    device: '機器',
    attribution: '帰属',
    evidence: '証跡',
    service: '調査で観測したサービスの内容',
    history: '経過',
    darknet: 'ダークネットでの観測',
    kind: '種類',
    status: '状態',
    address: 'アドレス',
    service_: 'サービス',
    entry: '辞書エントリ',
    firstSeen: '初回検出',
    lastSeen: '最終検出',
    closedAt: '対処確認',
    vendor: 'メーカー',
    model: '型番',
    type: '種類',
    firmware: 'ファームウェア',
    hardware: 'ハードウェア',
    sector: '重要インフラ分野',
    ownerContact: '所有者・施工業者の連絡先（機器の表示より。運用者のみ、外部に出さない）',
    company: '会社',
    phone: '電話',
    email: 'メール',
    readFrom: '読み取り元',
    year: '発売年',
    cpe: 'CPE',
    confidence: '確度',
    rules: '特定に使ったルール',
    prefix: 'プレフィックス',
    asn: 'AS',
    isp: 'ISP',
    source: '情報源',
    reason: 'ISP不明の理由',
    notAttributed: 'まだ帰属していません。',
    noDevice: '機器は特定されていません。',
    noService: 'この検出のサービス記録はありません。',
    when: '日時',
    what: '出来事',
    detail: '詳細',
    opened: '検出',
    closed: '対処確認：再調査で検出されなくなった',
    reopened: '再検出',
    missed: '再確認で再現せず',
    run: '調査',
    report: 'レポート',
    delivered: '配信済み',
    pending: '配信待ち',
    failed: '配信失敗',
    attempts: '試行',
    feedback: 'ISPからのフィードバック',
    resurvey: '再調査',
    lastRun: '最後に検出した調査',
    misses: 'その後に連続して再現しなかった回数',
    window: '観測期間',
    packets: 'パケット',
    destinations: '宛先数',
    family: '系統',
    back: '同じ種類の検出',
    actions: { handled: '対応済み', 'subscriber-contacted': '契約者に連絡済み', 'device-replaced': '機器交換済み', 'false-positive': '誤検出' } as Record<
      string,
      string
    >,
  },
};

type Words = (typeof texts)['en'];

const definitionList = (entries: Array<[string, unknown]>): SafeHtml =>
  html`<dl class="facts">${entries.filter(([, value]) => value !== undefined && value !== null && value !== '').map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>`;

/** Evidence values are device-sourced: shown as text (objects as JSON text), never as markup. */
const evidenceText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function timeline(history: FindingHistory, words: Words): SafeHtml {
  const items: Array<{ at: string; order: number; what: string; detail: SafeHtml | string }> = [];
  history.events.forEach((event, index) => {
    items.push({
      at: event.at,
      order: index,
      what: words[event.event] ?? event.event,
      detail: html`${words.run} ${event.runId}${event.runChecks ? html` (${event.runChecks.join(', ')})` : ''}`,
    });
  });
  for (const report of history.reports) {
    const deliveries = report.deliveries.map(
      (entry) =>
        html`<li>${entry.channel} → ${entry.destination}: ${words[entry.status] ?? entry.status}${entry.deliveredAt ? html` ${formatTime(entry.deliveredAt)}` : ''} (${entry.attempts} ${words.attempts})</li>`,
    );
    items.push({
      at: report.createdAt,
      order: 1000,
      what: `${words.report} ${report.reportId}`,
      detail: html`${report.ispId ?? (report.integratorId ? `${report.audience} ${report.integratorId}` : report.audience)}${deliveries.length ? html`<ul>${deliveries}</ul>` : ''}`,
    });
  }
  for (const entry of history.feedback) {
    items.push({
      at: entry.at,
      order: 2000,
      what: `${words.feedback}: ${words.actions[entry.action] ?? entry.action}`,
      detail: html`${entry.author ?? entry.ispId}${entry.note ? html` — ${entry.note}` : ''}`,
    });
  }
  items.sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);
  return html`<table class="data timeline"><thead><tr><th scope="col">${words.when}</th><th scope="col">${words.what}</th><th scope="col">${words.detail}</th></tr></thead>
<tbody>${items.map((item) => html`<tr><td>${formatTime(item.at)}</td><td>${item.what}</td><td>${item.detail}</td></tr>`)}</tbody></table>`;
}

function deviceSection(history: FindingHistory, words: Words): SafeHtml {
  const device = history.device;
  if (!device) return html`<p>${words.noDevice}</p>`;
  return html`${definitionList([
    [words.vendor, device.vendor],
    [words.model, device.model],
    [words.type, device.deviceType],
    [words.firmware, device.firmwareVersion],
    [words.hardware, device.hardwareVersion],
    [words.sector, device.sector],
    [words.year, device.releaseYear],
    [words.cpe, device.cpe],
    [words.confidence, device.confidence],
    [words.firstSeen, formatTime(device.firstSeen)],
    [words.lastSeen, formatTime(device.lastSeen)],
  ])}
${device.ownerContact ? ownerContactSection(device.ownerContact, words) : ''}
${device.evidence.length ? html`<h3>${words.rules}</h3><ul class="rules">${device.evidence.map((rule) => html`<li><code>${rule.ruleId}</code> ${rule.protocol}/${rule.port}: <q>${rule.matched}</q></li>`)}</ul>` : ''}`;
}

/** Device-sourced text: html`` escapes every value, so markup a page printed shows as text. */
function ownerContactSection(contact: OwnerContact, words: Words): SafeHtml {
  return html`<h3>${words.ownerContact}</h3>${definitionList([
    [words.company, contact.company],
    [words.phone, contact.phone],
    [words.email, contact.email],
    [words.readFrom, `${contact.source.protocol}/${contact.source.port}`],
  ])}`;
}

function attributionSection(history: FindingHistory, words: Words, locale: Locale): SafeHtml {
  const attribution = history.attribution;
  if (!attribution) return html`<p>${words.notAttributed}</p>`;
  const isp = attribution.ispId
    ? html`<a href="${drillPath({ isp: attribution.ispId, status: 'open' })}">${attribution.ispName ?? attribution.ispId}</a>`
    : keyLabel(locale, 'unattributed');
  return definitionList([
    [words.isp, isp],
    [words.prefix, attribution.prefix],
    [words.asn, attribution.asn !== undefined ? `AS${attribution.asn}${attribution.asName ? ` ${attribution.asName}` : ''}` : undefined],
    [words.source, attribution.source],
    [words.reason, attribution.unattributedReason],
    [words.when, formatTime(attribution.attributedAt)],
  ]);
}

/**
 * @example return renderFindingPage(request, history)
 */
export function renderFindingPage(request: WebRequest, history: FindingHistory): WebResponse {
  const locale = request.locale;
  const words = texts[locale];
  const finding = history.finding;
  const evidence = Object.entries(finding.evidence ?? {});
  const body = html`<p><a href="${drillPath({ kind: finding.kind })}">← ${words.back}</a></p>
<div class="detail-grid">
<section><h2>${words.summary}</h2>${definitionList([
    [words.kind, kindLabel(locale, finding.kind)],
    [words.status, keyLabel(locale, finding.status)],
    [words.address, finding.ip],
    [words.service_, `${finding.protocol}/${finding.port}`],
    [words.entry, finding.dictionaryEntryId],
    [words.firstSeen, formatTime(finding.firstSeen)],
    [words.lastSeen, formatTime(finding.lastSeen)],
    [words.closedAt, finding.closedAt ? formatTime(finding.closedAt) : undefined],
  ])}</section>
<section><h2>${words.device}</h2>${deviceSection(history, words)}</section>
<section><h2>${words.attribution}</h2>${attributionSection(history, words, locale)}</section>
<section><h2>${words.resurvey}</h2>${definitionList([
    [words.firstSeen, `${words.run} ${history.resurvey.firstRunId}`],
    [words.lastRun, `${words.run} ${history.resurvey.lastRunId}`],
    [words.misses, history.resurvey.misses],
    [words.closedAt, history.resurvey.closedRunId !== undefined ? `${words.run} ${history.resurvey.closedRunId}` : undefined],
  ])}</section>
</div>
<section><h2>${words.history}</h2>${timeline(history, words)}</section>
<section><h2>${words.evidence}</h2>${evidence.length ? html`<table class="data evidence"><tbody>${evidence.map(([key, value]) => html`<tr><th scope="row">${key}</th><td><code>${evidenceText(value)}</code></td></tr>`)}</tbody></table>` : '–'}</section>
<section><h2>${words.service}</h2>${history.service ? html`<pre class="grab">${JSON.stringify(history.service.result, null, 2)}</pre>` : html`<p>${words.noService}</p>`}</section>
${
  history.darknet.length
    ? html`<section><h2>${words.darknet}</h2><table class="data"><thead><tr><th scope="col">${words.window}</th><th scope="col">${words.family}</th><th scope="col" class="num">${words.packets}</th><th scope="col" class="num">${words.destinations}</th></tr></thead>
<tbody>${history.darknet.map((row) => html`<tr><td>${formatTime(row.windowStart)} (${row.periodSeconds === 86400 ? '1d' : '1h'}, ${row.darknet})</td><td>${row.family ?? row.verdict}${row.tool ? ` / ${row.tool}` : ''}</td><td class="num">${row.packets}</td><td class="num">${row.distinctDestinations}</td></tr>`)}</tbody></table></section>`
    : ''
}`;
  return renderPage(request, { title: `${words.title} #${finding.id}`, body });
}
