/** The words of the portal's bulk-fix page (bulk-fix.ts) and its tab, in the portal's languages. */
import type { Locale } from '../route-types.ts';

const en = {
  title: 'Bulk fix',
  notManaging:
    'The registry does not list your network as managing its customers’ devices, so there is no bulk-fix list. Ask the programme to change that if you rent and manage devices (for example home routers).',
  list: 'Open findings by model',
  nothing: 'No open finding on an identified device.',
  vendor: 'Vendor',
  model: 'Model',
  firmware: 'Firmware',
  devices: 'Devices',
  kinds: 'Findings',
  fix: 'Fix',
  download: 'Download',
  unidentified: 'Devices not identified (not in the list)',
  progress: 'Progress since the first notice',
  noProgress: 'No device of yours has been notified yet.',
  firstNotice: 'First notice',
  fixed: 'Fixed',
  open: 'Still open',
  percentFixed: '% fixed',
  course: 'Course (% fixed by date)',
};

export type BulkFixTexts = typeof en;

export const bulkFixTexts: Record<Locale, BulkFixTexts> = {
  en,
  ja: {
    title: '一括対処',
    notManaging:
      '登録情報では、貴社は利用者の機器を管理する事業者になっていないため、一括対処リストはありません。機器（家庭用ルーターなど）を貸し出して管理されている場合は、プログラムにご連絡ください。',
    list: '機種別の未対処の問題',
    nothing: '機種を特定できた機器に未対処の問題はありません。',
    vendor: 'メーカー',
    model: '機種',
    firmware: 'ファームウェア',
    devices: '台数',
    kinds: '問題',
    fix: '対処',
    download: 'ダウンロード',
    unidentified: '機種を特定できなかった機器（リスト外）',
    progress: '最初の通知からの進み具合',
    noProgress: 'まだ通知した機器はありません。',
    firstNotice: '最初の通知',
    fixed: '対処済み',
    open: '未対処',
    percentFixed: '対処率 %',
    course: '推移（日付ごとの対処率）',
  },
};
