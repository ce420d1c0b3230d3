/**
 * The help desk's words in Japanese and English (the portal's own words are in texts.ts).
 * Times a desk types are read in its language's zone: Japan's for Japanese, UTC for English.
 */
import type { Locale } from '../route-types.ts';

export interface HelpDeskTexts {
  title: string;
  intro: string;
  address: string;
  addressHint: string;
  time: string;
  timeHint: string;
  /** The zone typed times are read in, minutes east of UTC. */
  offsetMinutes: number;
  zoneName: string;
  lookUp: string;
  badAddress: string;
  badTime: string;
  askedAbout: string;
  current: string;
  noneCurrent: string;
  notInNetwork: string;
  other: string;
  otherNote: string;
  present: string;
  stillOpen: string;
  history: string;
  noticeSent: string;
  readTitle: string;
  readIntro: string;
  readSteps: string;
  readClosing: string;
  logged: string;
}

export const helpDeskTexts: Record<Locale, HelpDeskTexts> = {
  en: {
    title: 'Help desk',
    intro:
      'Look up what we found at one of your addresses at the time a subscriber had it. Addresses change owners: only findings present at that time concern the subscriber on the line.',
    address: 'Address (IPv4 or IPv6)',
    addressHint: 'e.g. 192.0.2.7 or 2001:db8::7',
    time: 'Time the subscriber had the address',
    timeHint: 'Empty: now.',
    offsetMinutes: 0,
    zoneName: 'UTC',
    lookUp: 'Look up',
    badAddress: 'That is not an IPv4 or IPv6 address.',
    badTime: 'Give a date and time between 2000 and now.',
    askedAbout: 'At this address, at this time',
    current: 'Findings present at that time',
    noneCurrent: 'Nothing was found at this address at that time.',
    notInNetwork: 'No finding of your network at this address: it is not in your network, or nothing was ever found there.',
    other: 'Other findings at this address (other times)',
    otherNote: 'These were not present at the time asked; the address may have belonged to another subscriber then.',
    present: 'Present',
    stillOpen: 'still open',
    history: 'History',
    noticeSent: 'carried in report',
    readTitle: 'Text to read to the subscriber',
    readIntro: 'We have been told that a device on your Internet connection has a security problem. We will never ask for your password. Here is what to do:',
    readSteps: 'For your {device}:',
    readClosing: 'If you are not sure which device it is, check cameras, video recorders, routers and other devices that are always on.',
    logged: 'This lookup has been logged.',
  },
  ja: {
    title: 'ヘルプデスク',
    intro:
      '利用者がアドレスを使っていた時点で、そのアドレスに何が見つかっていたかを調べます。アドレスの利用者は変わります。お問い合わせの利用者に関係するのは、その時点に存在した検出結果だけです。',
    address: 'アドレス（IPv4またはIPv6）',
    addressHint: '例：192.0.2.7、2001:db8::7',
    time: '利用者がアドレスを使っていた日時',
    timeHint: '空欄の場合は現在。',
    offsetMinutes: 540,
    zoneName: '日本時間',
    lookUp: '調べる',
    badAddress: 'IPv4またはIPv6のアドレスではありません。',
    badTime: '2000年から現在までの日時を入力してください。',
    askedAbout: 'このアドレス・この日時',
    current: 'その日時に存在した検出結果',
    noneCurrent: 'その日時、このアドレスでは何も見つかっていません。',
    notInNetwork: '自社ネットワークの検出結果はこのアドレスにはありません。自社のネットワークではないか、一度も見つかっていません。',
    other: 'このアドレスの他の検出結果（別の日時）',
    otherNote: 'お問い合わせの日時には存在しなかったものです。その時点では別の利用者のアドレスだった可能性があります。',
    present: '存在した期間',
    stillOpen: '未解消',
    history: '経緯',
    noticeSent: '掲載レポート',
    readTitle: '利用者に読み上げる文',
    readIntro:
      'お客様のインターネット接続につながっている機器に、セキュリティ上の問題があるとの連絡を受けています。パスワードをお尋ねすることは決してありません。次の対処をお願いします。',
    readSteps: '{device}の場合：',
    readClosing: 'どの機器か分からない場合は、カメラ、録画機、ルーターなど常に電源が入っている機器をご確認ください。',
    logged: 'この照会は記録されました。',
  },
};
