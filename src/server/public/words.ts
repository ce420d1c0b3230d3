/** The public pages' texts, Japanese and English, in plain words. */
import type { Locale } from '../route-types.ts';

const en = {
  aboutTitle: 'About this survey',
  aboutWhat: 'What this is',
  aboutWhatText:
    "We look for Internet-connected devices — cameras, routers, video recorders, storage boxes, printers — that botnets such as Mirai can take over: devices that accept a default or weak password, devices with no login at all, devices running firmware with known security holes, and devices that already behave like bots. We tell the network's provider (ISP), and the provider tells its customer, so the device gets fixed.",
  aboutWhy: 'Why',
  aboutWhyText:
    "Hijacked devices are used to attack others, often without their owners noticing. Finding them early and telling the people who can fix them is how national programs such as Japan's NOTICE (with NICT and the ISPs) keep networks clean.",
  aboutHow: 'What we do, and what we never do',
  aboutHowItems: [
    'We connect to common device services (telnet, SSH, FTP, web admin pages) and read what they show.',
    'Where a device asks for a login, we try a short, published list of factory-default passwords. If one works, we record that and disconnect at once.',
    'We never run a command, change a setting, read your data or send an attack.',
    "Findings go only to the network's provider; our public figures are counts, never addresses.",
  ],
  aboutWho: 'Who runs it',
  operator: 'Operator',
  contact: 'Contact',
  addresses: 'Our scanners connect from these addresses',
  noAddresses: 'The operator has not published scanner addresses yet.',
  recognise: 'How to recognise our traffic',
  recogniseText: 'Connections come only from the addresses above. Our web requests carry this User-Agent:',
  optOutLink: 'Do not want your network surveyed? Ask to opt out.',
  checkLink: 'Check whether we found a problem at your connection.',
  statisticsLink: "See the program's monthly figures.",

  statisticsTitle: 'Statistics',
  statisticsIntro: 'Monthly figures of the program. Counts only: no address, no network, no customer is ever named here.',
  monthly: 'Per month',
  month: 'Month',
  infectedMax: 'Infected (max/day)',
  reports: 'Reports to ISPs',
  notified: 'Findings notified',
  remediated: 'Fixed',
  cumulativeFound: 'Found (total)',
  cumulativeNotified: 'Notified (total)',
  cumulativeRemediated: 'Fixed (total)',
  openNow: 'Problems not fixed yet, by device',
  deviceType: 'Device type',
  criticalSector: 'Critical infrastructure sector (counts only)',
  vendor: 'Vendor',
  releaseYear: 'Release year',
  total: 'Total',
  table: 'Table',
  noData: 'No figures yet.',

  optOutTitle: 'Opt out of the survey',
  optOutIntro:
    'If you run a network and do not want it surveyed, tell us its address ranges. The operator checks each request; approved ranges are never contacted again by our scanners.',
  cidrs: 'Address ranges (IPv4 or IPv6, one per line, in CIDR notation such as a.b.c.0/24 or xxxx:xxxx:xxxx::/48)',
  email: 'Your e-mail address (for questions about the request)',
  reason: 'Anything we should know (optional)',
  send: 'Send request',
  received: 'Request received',
  receivedText: 'Thank you. Your request has number {id}. The operator will review it; approved ranges are excluded from every later survey.',
  errors: 'Please correct the following:',
  cidrRequired: 'Give at least one address range.',
  cidrTooMany: 'Give at most {max} ranges in one request.',
  cidrInvalid: 'Line {line}: "{text}" is not an IPv4 or IPv6 range in CIDR notation (such as a.b.c.0/24 or xxxx:xxxx:xxxx::/48).',
  cidrSpecialPurpose:
    'Line {line}: {cidr} overlaps {range} ({why}), address space that is not public on the Internet. Our scanners never contact it, so there is nothing to opt out of there. Give only your public ranges.',
  emailInvalid: 'Give an e-mail address we can reply to.',
  reasonTooLong: 'The note is too long (at most {max} characters).',

  checkTitle: 'Check my connection',
  checkIntro: 'This page tells you only about the address you are connecting from right now. It cannot look up any other address.',
  yourAddress: 'Your address',
  nothingFound: 'We have no open finding for this address.',
  nothingFoundNote:
    'That does not prove every device is safe: we only survey some networks, and only some device problems. Keep passwords strong and firmware updated.',
  found: 'At this address we found:',
  lastSeen: 'last seen',
  device: 'Device (as we identified it)',
  sharedAddress: 'If your provider shares one address among many customers, the device may belong to someone else. Your provider can tell you more.',
  whatToDo: 'What to do',
  adviceOther: 'A device here has a security problem. Update its firmware and change its password.',
  deviceSteps: 'For a {device}:',

  activityTitle: 'Scanning and attacks from this address',
  activityNone: 'In the last {days} days we did not see this address scanning the Internet or attacking our decoy devices.',
  activityScanning:
    'In the last {days} days this address was seen scanning the Internet for devices to break into (our unused "darknet" addresses received its probes; last seen {time}).',
  activityHoneypot: 'In the last {days} days this address was seen trying to break into our decoy devices (honeypots; last seen {time}).',
  activityMeaning:
    'This is what a device infected with malicious software does: attackers control it and use it to infect others. It is usually a camera, video recorder, router or other always-on device, not your computer.',
  activityAdvice: [
    'Find the device: think of cameras, video recorders, routers, storage boxes and other devices that stay on.',
    'Disconnect it from the Internet, then reset it to its factory settings (see its manual): this removes the malicious software.',
    'Before you connect it again, update its firmware and set a new, long password; otherwise it can be infected again within minutes.',
    'If you cannot find it, or it is a monitoring or control device (solar, power, building equipment), ask your provider or the installer for help rather than unplugging it.',
  ],
};

type Words = typeof en;

const ja: Words = {
  aboutTitle: 'この調査について',
  aboutWhat: '何をしているか',
  aboutWhatText:
    'インターネットにつながった機器（カメラ、ルーター、録画機、ネットワークストレージ、プリンターなど）のうち、Miraiのようなボットネットに乗っ取られるおそれのあるものを探しています。初期設定や推測しやすいパスワードのままの機器、ログインのない機器、既知の脆弱性があるファームウェアの機器、すでにボットとして動いている機器です。見つかった場合はそのネットワークのプロバイダー（ISP）に知らせ、ISPから利用者に連絡して対処してもらいます。',
  aboutWhy: 'なぜ',
  aboutWhyText:
    '乗っ取られた機器は、持ち主が気付かないうちに他への攻撃に使われます。早く見つけて対処できる人に知らせることが、日本のNOTICE（NICTとISPの取り組み）のような国の取り組みがネットワークを守る方法です。',
  aboutHow: '行うこと・行わないこと',
  aboutHowItems: [
    '機器のよくあるサービス（telnet、SSH、FTP、Web管理画面）に接続し、表示される内容を読み取ります。',
    'ログインを求める機器には、公開している短い初期パスワードの一覧だけを試します。ログインできた場合は記録し、すぐに切断します。',
    'コマンドの実行、設定の変更、データの読み取り、攻撃は一切行いません。',
    '検出結果はそのネットワークのISPにだけ伝えます。公開する数値は件数のみで、アドレスは公開しません。',
  ],
  aboutWho: '実施者',
  operator: '運用者',
  contact: '連絡先',
  addresses: '調査は次のアドレスから接続します',
  noAddresses: '運用者はまだ調査元アドレスを公開していません。',
  recognise: '調査の通信の見分け方',
  recogniseText: '接続は上のアドレスからのみ行います。Webへのリクエストには次のUser-Agentを付けます：',
  optOutLink: 'ネットワークを調査の対象外にしたい場合は、こちらから申請してください。',
  checkLink: 'あなたの接続で問題が見つかっているか確認する。',
  statisticsLink: 'プログラムの月別の数値を見る。',

  statisticsTitle: '統計',
  statisticsIntro: 'プログラムの月別の数値です。件数のみで、アドレス、ネットワーク、利用者の名前は一切掲載しません。',
  monthly: '月別',
  month: '月',
  infectedMax: '感染（日最大）',
  reports: 'ISPへのレポート',
  notified: '通知した検出',
  remediated: '対処済み',
  cumulativeFound: '検出（累計）',
  cumulativeNotified: '通知（累計）',
  cumulativeRemediated: '対処済み（累計）',
  openNow: '未対処の問題（機器別）',
  deviceType: '機器の種類',
  criticalSector: '重要インフラ分野（件数のみ）',
  vendor: 'メーカー',
  releaseYear: '発売年',
  total: '合計',
  table: '表で見る',
  noData: 'まだ数値がありません。',

  optOutTitle: '調査の対象外にする',
  optOutIntro: 'ネットワークを運用していて調査を望まない場合は、アドレス範囲をお知らせください。運用者が申請を確認し、承認した範囲には以後一切接続しません。',
  cidrs: 'アドレス範囲（IPv4またはIPv6、1行に1つ。CIDR表記。例：a.b.c.0/24、xxxx:xxxx:xxxx::/48）',
  email: 'メールアドレス（申請についての問い合わせ用）',
  reason: '補足（任意）',
  send: '申請する',
  received: '申請を受け付けました',
  receivedText: 'ありがとうございます。申請番号は {id} です。運用者が確認し、承認した範囲は以後の調査から除外します。',
  errors: '次の点を直してください：',
  cidrRequired: 'アドレス範囲を1つ以上入力してください。',
  cidrTooMany: '1回の申請で入力できる範囲は{max}個までです。',
  cidrInvalid: '{line}行目：「{text}」は a.b.c.0/24 や xxxx:xxxx:xxxx::/48 のようなCIDR表記のIPv4・IPv6の範囲ではありません。',
  cidrSpecialPurpose:
    '{line}行目：{cidr} は {range}（{why}）と重なっています。これはインターネットで公開されていない特別用途のアドレスで、調査では一切接続しないため、除外の申請は必要ありません。公開しているアドレス範囲だけを入力してください。',
  emailInvalid: '返信できるメールアドレスを入力してください。',
  reasonTooLong: '補足が長すぎます（{max}文字まで）。',

  checkTitle: '接続の確認',
  checkIntro: 'このページでは、いま接続しているアドレスについてだけお知らせします。ほかのアドレスは調べられません。',
  yourAddress: 'あなたのアドレス',
  nothingFound: 'このアドレスで未対処の検出はありません。',
  nothingFoundNote:
    'すべての機器が安全という意味ではありません。調査は一部のネットワークと一部の問題だけが対象です。パスワードを強くし、ファームウェアを最新に保ってください。',
  found: 'このアドレスで次の問題が見つかっています：',
  lastSeen: '最終確認',
  device: '機器（調査で特定した内容）',
  sharedAddress:
    'プロバイダーが1つのアドレスを複数の利用者で共有している場合、機器はほかの方のものかもしれません。詳しくはプロバイダーにお問い合わせください。',
  whatToDo: '対処方法',
  adviceOther: 'セキュリティ上の問題がある機器があります。ファームウェアを更新し、パスワードを変更してください。',
  deviceSteps: '{device}の場合：',

  activityTitle: 'このアドレスからのスキャン・攻撃',
  activityNone: '過去{days}日間、このアドレスがインターネットをスキャンしたり、おとりの機器を攻撃したりするのは確認されていません。',
  activityScanning:
    '過去{days}日間に、このアドレスが侵入できる機器を探してインターネットをスキャンしているのを確認しました（使われていない「ダークネット」のアドレスに探索の通信が届きました。最終確認 {time}）。',
  activityHoneypot: '過去{days}日間に、このアドレスがおとりの機器（ハニーポット）に侵入しようとするのを確認しました（最終確認 {time}）。',
  activityMeaning:
    'これは不正なプログラムに感染した機器の動きです。攻撃者に操られ、他の機器への感染に使われています。多くの場合、パソコンではなく、カメラ、録画機、ルーターなど常に電源が入っている機器です。',
  activityAdvice: [
    '機器を探してください。カメラ、録画機、ルーター、ネットワークストレージなど、常に電源が入っている機器が考えられます。',
    '機器をインターネットから外し、工場出荷時の状態に戻してください（説明書をご覧ください）。これで不正なプログラムが消えます。',
    'つなぎ直す前にファームウェアを更新し、長いパスワードを新しく設定してください。そうしないと数分で再び感染することがあります。',
    '見つからない場合や、監視・制御機器（太陽光発電、電力、ビル設備など）の場合は、電源を抜かずにプロバイダーか設置業者にご相談ください。',
  ],
};

/**
 * @example publicWords('en').checkTitle // 'Check my connection'
 */
export function publicWords(locale: Locale): Words {
  return locale === 'ja' ? ja : en;
}

/**
 * Fill "{name}" placeholders (values are plain text; the page escapes the result).
 * @example fill('Line {line}', { line: 2 }) // 'Line 2'
 */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
