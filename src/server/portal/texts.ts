/**
 * Every word of the ISP portal in Japanese and English. Pages pick `portalTexts[locale]`;
 * nothing user-visible is written inline in the page modules.
 */
import { findingKindDefinitions, type FindingKind } from '../../core/finding-kinds.ts';
import type { FeedbackAction } from '../../store/roles/feedback.ts';
import type { Locale } from '../route-types.ts';

interface PortalTexts {
  overview: string;
  findings: string;
  reports: string;
  tokens: string;
  gateways: string;
  openByKind: string;
  recentlyClosed: string;
  latestReports: string;
  noFindings: string;
  noReports: string;
  kind: string;
  status: string;
  any: string;
  filter: string;
  /** {name}: the query parameter whose value is not one the list knows. */
  invalidFilter: string;
  address: string;
  device: string;
  firstSeen: string;
  lastSeen: string;
  closedAt: string;
  nextPage: string;
  firstPage: string;
  total: string;
  evidence: string;
  history: string;
  subscriberAdvice: string;
  /** Above a device's steps; `{device}` is its name. */
  stepsFor: string;
  events: string;
  run: string;
  reportsCarrying: string;
  feedbackGiven: string;
  giveFeedback: string;
  action: string;
  note: string;
  save: string;
  by: string;
  vendor: string;
  model: string;
  deviceType: string;
  firmware: string;
  releaseYear: string;
  report: string;
  created: string;
  periodEnd: string;
  findingCount: string;
  downloads: string;
  tokenLabel: string;
  tokenCreate: string;
  tokenCreated: string;
  tokenShownOnce: string;
  tokenLastUsed: string;
  tokenRevoked: string;
  tokenRevoke: string;
  tokenHelp: string;
  never: string;
  none: string;
  kinds: Record<FindingKind, string>;
  statuses: Record<'open' | 'closed', string>;
  actions: Record<FeedbackAction, string>;
  eventNames: Record<string, string>;
}

/** The portal's short kind names, from the one list of finding kinds. */
function kindNames(locale: Locale): Record<FindingKind, string> {
  return Object.fromEntries(findingKindDefinitions.map((definition) => [definition.kind, definition.shortLabel[locale]])) as Record<FindingKind, string>;
}

export const portalTexts: Record<Locale, PortalTexts> = {
  en: {
    overview: 'Your network',
    findings: 'Findings',
    reports: 'Reports',
    tokens: 'API tokens',
    gateways: 'Gateways',
    openByKind: 'Open findings by kind',
    recentlyClosed: 'Recently closed',
    latestReports: 'Latest reports',
    noFindings: 'No findings.',
    noReports: 'No reports yet.',
    kind: 'Kind',
    status: 'Status',
    any: 'any',
    filter: 'Show',
    invalidFilter: 'The filter “{name}” has a value this list does not know. Choose from the lists below.',
    address: 'Address',
    device: 'Device',
    firstSeen: 'First seen',
    lastSeen: 'Last seen',
    closedAt: 'Closed (remediated)',
    nextPage: 'Older findings →',
    firstPage: '← Newest',
    total: 'Total',
    evidence: 'Evidence',
    history: 'History',
    subscriberAdvice: 'What to tell the subscriber',
    stepsFor: 'For a {device}:',
    events: 'Survey outcomes',
    run: 'survey run',
    reportsCarrying: 'Reports that carried it',
    feedbackGiven: 'Feedback given',
    giveFeedback: 'Tell us what you did',
    action: 'Action',
    note: 'Note (optional)',
    save: 'Save',
    by: 'by',
    vendor: 'Vendor',
    model: 'Model',
    deviceType: 'Device type',
    firmware: 'Firmware',
    releaseYear: 'Release year',
    report: 'Report',
    created: 'Created',
    periodEnd: 'Period end',
    findingCount: 'Findings',
    downloads: 'Download',
    tokenLabel: 'Label',
    tokenCreate: 'Create a token',
    tokenCreated: 'Token created',
    tokenShownOnce: 'Copy it now: it is shown only this once. Send it as "Authorization: Bearer TOKEN".',
    tokenLastUsed: 'Last used',
    tokenRevoked: 'Revoked',
    tokenRevoke: 'Revoke',
    tokenHelp: 'A token has the same rights as your account: it reads your network’s findings and reports and records feedback through /api/v1/.',
    never: 'never',
    none: '—',
    kinds: kindNames('en'),
    statuses: { open: 'open', closed: 'closed' },
    actions: { handled: 'Handled', 'subscriber-contacted': 'Subscriber contacted', 'device-replaced': 'Device replaced', 'false-positive': 'False positive' },
    eventNames: { opened: 'found', closed: 'no longer found (closed)', reopened: 'found again', missed: 'not reproduced once' },
  },
  ja: {
    overview: '自社ネットワーク',
    findings: '検出結果',
    reports: 'レポート',
    tokens: 'APIトークン',
    gateways: 'ゲートウェイ',
    openByKind: '未対応の検出結果（種類別）',
    recentlyClosed: '最近解消されたもの',
    latestReports: '最新のレポート',
    noFindings: '検出結果はありません。',
    noReports: 'レポートはまだありません。',
    kind: '種類',
    status: '状態',
    any: 'すべて',
    filter: '表示',
    invalidFilter: '絞り込み条件「{name}」の値が正しくありません。下の一覧から選んでください。',
    address: 'アドレス',
    device: '機器',
    firstSeen: '初回検出',
    lastSeen: '最終検出',
    closedAt: '解消（対策済み）',
    nextPage: '古い検出結果 →',
    firstPage: '← 最新',
    total: '合計',
    evidence: '根拠',
    history: '経緯',
    subscriberAdvice: '利用者へ伝える対処',
    stepsFor: '{device}の場合：',
    events: '調査結果',
    run: '調査',
    reportsCarrying: '掲載されたレポート',
    feedbackGiven: '登録済みの対応',
    giveFeedback: '対応を登録する',
    action: '対応',
    note: 'メモ（任意）',
    save: '保存',
    by: '登録者',
    vendor: 'メーカー',
    model: '型番',
    deviceType: '機器の種類',
    firmware: 'ファームウェア',
    releaseYear: '発売年',
    report: 'レポート',
    created: '作成日時',
    periodEnd: '対象期間の終わり',
    findingCount: '件数',
    downloads: 'ダウンロード',
    tokenLabel: 'ラベル',
    tokenCreate: 'トークンを作成',
    tokenCreated: 'トークンを作成しました',
    tokenShownOnce: '今すぐコピーしてください。表示されるのはこの一度だけです。「Authorization: Bearer トークン」として送信します。',
    tokenLastUsed: '最終使用',
    tokenRevoked: '失効',
    tokenRevoke: '失効させる',
    tokenHelp: 'トークンにはあなたのアカウントと同じ権限があります。/api/v1/ から自社ネットワークの検出結果とレポートを読み、対応を登録できます。',
    never: 'なし',
    none: '—',
    kinds: kindNames('ja'),
    statuses: { open: '未対応', closed: '解消' },
    actions: { handled: '対応済み', 'subscriber-contacted': '利用者に連絡済み', 'device-replaced': '機器を交換済み', 'false-positive': '誤検知' },
    eventNames: { opened: '検出', closed: '検出されなくなった（解消）', reopened: '再検出', missed: '一度再現せず' },
  },
};
